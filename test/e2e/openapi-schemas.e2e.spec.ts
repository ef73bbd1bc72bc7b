import { buildOpenApi } from '../../src/bootstrap';
import { NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox } from '../../src/sandbox/nexhealth';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { componentsAjv, SchemaNode } from '../helpers/openapi-ajv';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_openapi');
const LIST_ROUTES = ['patients', 'providers', 'locations', 'appointments', 'coverages', 'documents', 'balances'];

/** The parts of the generated OpenAPI document this spec reads, as plain JSON. */
interface Doc {
  paths: Record<string, { get?: { responses: Record<string, { content: { 'application/json': { schema: SchemaNode } } }> } }>;
  components: { schemas: Record<string, SchemaNode> };
}
type Page = { data: Array<{ id: string; data: Record<string, unknown> } & Record<string, unknown>>; nextCursor: string | null };

const refName = (node: unknown): string | undefined => {
  const n = node as SchemaNode | undefined;
  const ref = (n?.$ref ?? (n?.allOf as SchemaNode[] | undefined)?.[0]?.$ref) as string | undefined;
  return ref?.replace('#/components/schemas/', '');
};
/** The component names of a route's 200 answer: the page (or detail) schema. */
const answerOf = (doc: Doc, path: string): string => {
  const answer = doc.paths[path].get?.responses['200'];
  return refName(answer?.content['application/json'].schema) as string;
};
const schemaOf = (doc: Doc, name: string): SchemaNode => doc.components.schemas[name];

/**
 * The OpenAPI document shows the real canonical schema of each resource's `data` (no free-form
 * object), and the records API's real answers, after a sandbox sync of opendental-db and of
 * nexhealth, validate against those schemas with every undeclared field rejected.
 */
describe('OpenAPI: typed canonical schemas per resource', () => {
  let t: TestApp;
  let org: { auth: string };
  let doc: Doc;
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const sync = async (integrationId: string) => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect(['succeeded', 'partially_succeeded']).toContain((await waitForJob(t, org.auth, created.body.id)).status);
  };
  const all = async (resource: string): Promise<Page['data']> => {
    const out: Page['data'] = [];
    let cursor: string | null = null;
    do {
      const body: Page = (await get(`/api/v1/${resource}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200)).body;
      out.push(...body.data);
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    const od = await buildSandbox(DB, 25, 31);
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1'); // the integration reaches the in-app NexHealth sandbox over HTTP
    const { port } = t.app.getHttpServer().address() as { port: number };
    t.app.get(NexHealthSandbox).reset({ seed: 77, patients: 25 });
    org = await createOrg(t, 'Schema Dental');
    const odId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(od)).expect(201)).body.id;
    const nexId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({
      vendor: 'nexhealth', name: 'Schema (NexHealth)', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${port}${NEXHEALTH_SANDBOX_PREFIX}`, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, locationId: 101 },
      credentials: { apiKey: NEXHEALTH_SANDBOX_API_KEY },
    }).expect(201)).body.id;
    await sync(odId);
    await sync(nexId);
    doc = JSON.parse(JSON.stringify(buildOpenApi(t.app)));
  });

  afterAll(async () => {
    await t?.close();
  });

  it("declares a typed, closed schema for every record's data (no additionalProperties: true, no bare object)", () => {
    const seen = new Set<string>();
    const visit = (name: string, via: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const schema = schemaOf(doc, name);
      expect({ via, name, type: schema?.type }).toEqual({ via, name, type: 'object' });
      expect({ via, name, additionalProperties: schema.additionalProperties }).toEqual({ via, name, additionalProperties: undefined });
      const props = Object.entries((schema.properties ?? {}) as Record<string, SchemaNode>);
      expect({ via, name, properties: props.length > 0 }).toEqual({ via, name, properties: true });
      for (const [key, prop] of props) {
        const target = prop.type === 'array' ? (prop.items as SchemaNode) : prop;
        const nested = refName(target);
        if (nested) visit(nested, `${via}.${key}`);
        else if (target.type === 'object') throw new Error(`${name}.${key} (${via}) is a bare object`);
      }
    };
    const dataSchemas = new Set<string>();
    for (const resource of LIST_ROUTES) {
      for (const answer of [answerOf(doc, `/api/v1/${resource}`), answerOf(doc, `/api/v1/${resource}/{id}`)]) {
        const page = schemaOf(doc, answer).properties as Record<string, SchemaNode>;
        const record = page.data.type === 'array' ? schemaOf(doc, refName(page.data.items) as string) : schemaOf(doc, answer);
        const data = refName((record.properties as Record<string, SchemaNode>).data);
        expect({ resource, answer, data }).toEqual({ resource, answer, data: expect.stringMatching(/DataDto$/) });
        dataSchemas.add(data as string);
        visit(data as string, `${resource}.data`);
      }
    }
    // One data schema per resource, and the free-form RecordDto of before is gone.
    expect(dataSchemas.size).toBe(LIST_ROUTES.length);
    expect(schemaOf(doc, 'RecordDto')).toBeUndefined();
  });

  it("leaves nothing free-form in the records routes' answers but the raw source payloads", () => {
    const paths = [...LIST_ROUTES.flatMap((r) => [`/api/v1/${r}`, `/api/v1/${r}/{id}`]), '/api/v1/patients/{id}/sources'];
    const seen = new Set<string>();
    const freeForm: string[] = [];
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const [key, prop] of Object.entries((schemaOf(doc, name).properties ?? {}) as Record<string, SchemaNode>)) {
        const target = prop.type === 'array' ? (prop.items as SchemaNode) : prop;
        const nested = refName(target);
        // A map whose values have a schema of their own (a record's `edits` by field) is typed: walk its values.
        const mapOf = target.type === 'object' ? refName(target.additionalProperties as SchemaNode) : undefined;
        if (nested) walk(nested);
        else if (mapOf) walk(mapOf);
        // An edit's local, source and base values hold the named canonical field's value: its schema is that field's in the DataDto.
        else if (target.type === 'object' && key !== 'raw' && !(name === 'FieldEditDto' && ['local', 'source', 'base'].includes(key))) freeForm.push(`${name}.${key}`);
        if (key === 'data' && prop.type !== 'array' && !nested?.endsWith('DataDto')) freeForm.push(`${name}.data -> ${nested}`);
      }
    };
    for (const path of paths) walk(answerOf(doc, path));
    expect([...seen]).toEqual(expect.arrayContaining(['PatientSourcesDto', 'AppointmentSourceItemDto', 'PatientDemographicsDto', 'CoverageDataDto']));
    expect(freeForm).toEqual([]);
  });

  it("validates every list route's real answer, and a record of each vendor's detail answer, against the document's schemas", async () => {
    const ajv = componentsAjv(doc);
    const vendorsSeen: Record<string, Set<string>> = {};
    for (const resource of LIST_ROUTES) {
      const records = await all(resource);
      expect({ resource, count: records.length > 0 }).toEqual({ resource, count: true });
      const page = ajv.validator(answerOf(doc, `/api/v1/${resource}`));
      const body = { data: records, nextCursor: null };
      expect({ resource, errors: page(body) ? null : page.errors?.slice(0, 5) }).toEqual({ resource, errors: null });

      const detail = ajv.validator(answerOf(doc, `/api/v1/${resource}/{id}`));
      const byVendor = new Map<string, string>();
      for (const r of records) byVendor.set((r.source as { vendor: string }).vendor, r.id);
      vendorsSeen[resource] = new Set(byVendor.keys());
      for (const [vendor, id] of byVendor) {
        const one = (await get(`/api/v1/${resource}/${id}`).expect(200)).body;
        expect({ resource, vendor, errors: detail(one) ? null : detail.errors?.slice(0, 5) }).toEqual({ resource, vendor, errors: null });
      }
    }
    // GET /patients/:id/sources of one patient per vendor: sections typed by resource.
    const sources = ajv.validator(answerOf(doc, '/api/v1/patients/{id}/sources'));
    const patients = await all('patients');
    for (const vendor of ['opendental-db', 'nexhealth']) {
      const withVisits = patients.filter((p) => (p.source as { vendor: string }).vendor === vendor);
      let checkedItems = 0;
      for (const p of withVisits.slice(0, 5)) {
        const one = (await get(`/api/v1/patients/${p.id}/sources`).expect(200)).body;
        expect({ vendor, errors: sources(one) ? null : sources.errors?.slice(0, 5) }).toEqual({ vendor, errors: null });
        for (const s of one.sources) checkedItems += s.sections.appointments.length + s.sections.coverages.length;
      }
      expect({ vendor, checkedItems: checkedItems > 0 }).toEqual({ vendor, checkedItems: true });
    }
    // Both vendors' mapper output was checked for the resources both serve.
    for (const resource of ['patients', 'providers', 'locations', 'appointments']) {
      expect([resource, [...vendorsSeen[resource]].sort()]).toEqual([resource, ['nexhealth', 'opendental-db']]);
    }
  });

  it('rejects a field the document does not declare, at the top of data and deep inside it', async () => {
    const ajv = componentsAjv(doc);
    const page = ajv.validator('PatientPageDto');
    const body: Page = (await get('/api/v1/patients?limit=2').expect(200)).body;
    expect(page(body)).toBe(true);
    const extraTop = structuredClone(body);
    extraTop.data[0].data.favouriteColour = 'blue';
    expect(page(extraTop)).toBe(false);
    expect(page.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'favouriteColour' } });
    const extraDeep = structuredClone(body);
    (extraDeep.data[0].data.names as Array<Record<string, unknown>>)[0].nickname = 'Bo';
    expect(page(extraDeep)).toBe(false);
    const badEnum = structuredClone(body);
    badEnum.data[0].data.gender = 'F';
    expect(page(badEnum)).toBe(false);
  });
});
