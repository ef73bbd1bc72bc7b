import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { FhirHttp } from './fhir-http';
import { searchPages } from './search-pages';

interface Host {
  url: string;
  seen: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** A loopback server answering `reply(path)` as JSON. */
async function serve(reply: (path: string, host: string) => { status: number; body: unknown; headers?: Record<string, string> }): Promise<Host> {
  const seen: Host['seen'] = [];
  let url = '';
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const answer = reply(req.url ?? '', url);
    res.writeHead(answer.status, { 'Content-Type': 'application/fhir+json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const settings = { timeoutMs: 5000, maxAttempts: 3, retryBaseDelayMs: 10, retryMaxDelayMs: 50, maxRetryWaitMs: 2000 };
const bundle = (ids: string[], next?: string) => ({
  resourceType: 'Bundle', type: 'searchset',
  link: next ? [{ relation: 'next', url: next }] : [], entry: ids.map((id) => ({ resource: { resourceType: 'Patient', id }, search: { mode: 'match' } })),
});

describe('FhirHttp and searchPages over real sockets', () => {
  let other: Host;
  let fhir: Host;

  beforeAll(async () => {
    other = await serve(() => ({ status: 200, body: bundle(['p3']) }));
    fhir = await serve((path) => (path.startsWith('/r4/Patient?_count')
      ? { status: 200, body: bundle(['p1', 'p2'], `${other.url}/r4/Patient?page=2`) }
      : { status: 404, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Patient Jane Doe' }] } }));
  });
  afterAll(async () => {
    await other.close();
    await fhir.close();
  });

  it('sends the bearer token to the FHIR base origin only, with Accept: application/fhir+json', async () => {
    const http = new FhirHttp({ ...settings, baseUrl: `${fhir.url}/r4` }, { token: async () => 'secret-token', invalidate: async () => undefined });
    const pages = [];
    for await (const page of searchPages(http, 'Patient?_count=2', { resourceType: 'Patient' })) pages.push(page);
    expect(pages.flatMap((p) => p.resources.map((r) => r.id))).toEqual(['p1', 'p2', 'p3']);
    expect(fhir.seen[0].headers).toMatchObject({ authorization: 'Bearer secret-token', accept: 'application/fhir+json' });
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0].headers.authorization).toBeUndefined();
  });

  it('raises a permanent NOT_FOUND without the diagnostics text', async () => {
    const http = new FhirHttp({ ...settings, baseUrl: `${fhir.url}/r4` }, null);
    const error = await http.get('Patient/x?name=Jane').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_FOUND', temporary: false, message: 'FHIR server answered 404 to GET Patient/x (issue not-found)' });
  });
});
