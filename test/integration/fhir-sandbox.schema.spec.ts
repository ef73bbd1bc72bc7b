import { FHIR_SANDBOX_PROFILES, SandboxResourceType } from '../../src/sandbox/fhir';
import { FhirValidator } from '../helpers/fhir-validator';
import { FhirSandboxHost, startFhirSandbox } from '../helpers/fhir';

/**
 * Every kind of answer the FHIR sandbox serves, for every profile, validates against the official
 * FHIR R4 JSON Schema and @medplum/core's validateResource (issue 9: "every response it serves
 * validates"): CapabilityStatement, searchset pages (with each profile's required parameters),
 * reads, OperationOutcome errors and Bulk export NDJSON lines.
 */
describe('FHIR sandbox answers are valid FHIR R4 for every profile', () => {
  let host: FhirSandboxHost;
  let validator: FhirValidator;

  beforeAll(async () => {
    validator = new FhirValidator();
    host = await startFhirSandbox({ patients: 6, seed: 41, bulkReadyAfterMs: 0, bulkFileLines: 100 });
    host.sandbox.registerClient('schema-client', { clientSecret: 'pw' });
  });
  afterAll(() => host.close());

  it.each(Object.keys(FHIR_SANDBOX_PROFILES))('%s', async (vendor) => {
    const profile = FHIR_SANDBOX_PROFILES[vendor];
    const tenant = vendor === 'athenahealth' ? '195900' : 'schema';
    const base = `${host.root}/${vendor}/${tenant}`;
    const auth = (await (await fetch(`${base}/auth/token`, {
      method: 'POST', headers: { Authorization: `Basic ${Buffer.from('schema-client:pw').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials',
    })).json() as { access_token: string }).access_token;
    const get = async (url: string, headers: Record<string, string> = {}) => fetch(url.startsWith('http') ? url : `${base}/${url}`, { headers: { Authorization: `Bearer ${auth}`, ...headers } });
    const answers: unknown[] = [await (await get('metadata')).json(), await (await get('Observation')).json()];
    const data = host.sandbox.tenant(vendor, tenant).data;
    const patient = [...data.Patient.keys()][0];
    for (const type of profile.types) {
      const combo = profile.required[type as SandboxResourceType]?.[0] ?? [];
      const params = new URLSearchParams();
      if (profile.tenancyParam) params.set(profile.tenancyParam.name, profile.tenancyParam.template.replace('{tenant}', tenant));
      const first = [...data[type].values()][0];
      for (const name of combo) params.set(name, name === '_id' ? first.id! : name === 'patient' ? patient : name === 'date' ? 'ge2000-01-01' : name === 'location' ? 'loc-2,loc-3' : name === 'identifier' ? 'x' : '');
      const res = await get(`${type}?${params.toString()}`);
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
      answers.push(await res.json(), await (await get(`${type}/${first.id}`)).json());
    }
    const level = profile.bulk.includes('group') ? 'Group/g/$export' : profile.bulk.includes('system') ? '$export' : null;
    if (level) {
      host.sandbox.setFaults(vendor, tenant, { bulkErrorLines: 1 }); // an error file's OperationOutcome is validated too
      const kick = await get(level, { Prefer: 'respond-async' });
      expect(kick.status).toBe(202);
      answers.push(await kick.json());
      const manifest = (await (await get(kick.headers.get('content-location')!)).json()) as { output: Array<{ url: string }>; error: Array<{ url: string }> };
      expect(manifest.error).toHaveLength(1);
      for (const file of [...manifest.output, ...manifest.error]) {
        for (const line of (await (await get(file.url)).text()).split('\n').filter(Boolean)) answers.push(JSON.parse(line));
      }
    }
    const problems = answers.map((a) => ({ type: (a as { resourceType?: string }).resourceType, errors: validator.errors(a) })).filter((p) => p.errors.length);
    expect(problems).toEqual([]);
    expect(answers.length).toBeGreaterThan(10);
  });
});
