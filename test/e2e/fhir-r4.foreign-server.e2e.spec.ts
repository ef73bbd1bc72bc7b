import type { Patient } from '@medplum/fhirtypes';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { keyPair } from '../helpers/fhir';
import { MedplumFhirServer, startMedplumFhirServer } from '../helpers/medplum-fhir-server';
import { FOREIGN_COUNTS, seedForeignServer } from '../helpers/medplum-seed';

const STORED: Record<string, keyof typeof FOREIGN_COUNTS> = {
  providers: 'Practitioner', locations: 'Location', patients: 'Patient', coverages: 'Coverage', appointments: 'Appointment', documents: 'DocumentReference',
};

/**
 * A `fhir-r4` integration created through the public API against a FHIR server the hub's authors
 * did not write (Medplum's `@medplum/fhir-router` on its own port, test/helpers/medplum-fhir-server.ts):
 * token URL discovered, connection test, a full sync job with exact stored counts, an incremental
 * job that stores the patient updated at the server, and a full job that tombstones the one deleted.
 */
describe('fhir-r4 end to end against a foreign FHIR server (@medplum/fhir-router)', () => {
  let t: TestApp;
  let server: MedplumFhirServer;
  let org: { auth: string };
  let integrationId: string;
  const key = keyPair('RS384');
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);
  const sync = async (mode: 'full' | 'incremental') => waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId, mode }).expect(202)).body.id);

  beforeAll(async () => {
    server = await startMedplumFhirServer([{ clientId: 'hub-e2e', kid: 'hub-e2e-1', publicKey: key.publicKey }], seedForeignServer);
    t = await bootApp();
    org = await createOrg(t, 'Alder Street Medical');
    const res = await post('/api/v1/integrations', {
      vendor: 'fhir-r4', name: 'Alder Street (Medplum)', environment: 'production',
      config: { fhirBaseUrl: server.baseUrl, clientId: 'hub-e2e', keyId: 'hub-e2e-1', pageSize: 20 }, credentials: { privateKey: key.privatePem },
    }).expect(201);
    integrationId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('tests ok, and a full sync stores every resource with its links', async () => {
    expect((await post(`/api/v1/integrations/${integrationId}/test`).expect(200)).body).toMatchObject({ ok: true });
    const job = await sync('full');
    expect(job.status).toBe('succeeded');
    for (const [resource, type] of Object.entries(STORED)) expect({ resource, stored: job.progress[resource].stored }).toEqual({ resource, stored: FOREIGN_COUNTS[type] });
    const [appt] = await server.repo.searchResources({ resourceType: 'Appointment', count: 1 });
    const refs = (appt as { participant: Array<{ actor: { reference: string } }> }).participant.map((p) => p.actor.reference.split('/')[1]);
    const stored = (await get(`/api/v1/appointments?integrationId=${integrationId}&limit=100`).expect(200)).body.data as Array<{ externalId: string; patientId: string | null; data: Record<string, unknown> }>;
    const mine = stored.find((a) => a.externalId === appt.id)!;
    expect(mine.data).toMatchObject({ patient: { externalId: refs[0] }, provider: { externalId: refs[1] }, location: { externalId: refs[2] } });
    const patient = (await get(`/api/v1/patients/${mine.patientId}`).expect(200)).body;
    expect(patient).toMatchObject({ externalId: refs[0], source: { vendor: 'fhir-r4' } });
  });

  it('an incremental job stores the update; the next full job tombstones the patient deleted at the server', async () => {
    const ids = (await server.repo.searchResources<Patient>({ resourceType: 'Patient', count: 1000 })).map((p) => p.id!);
    const [changed, removed] = [ids[2], ids[3]];
    const before = await server.repo.readResource<Patient>('Patient', changed);
    await server.repo.updateResource<Patient>({ ...before, name: [{ use: 'official', given: ['Renamed'], family: 'Okafor-Lindqvist' }] });
    await server.repo.deleteResource('Patient', removed);
    const incremental = await sync('incremental');
    expect(incremental.progress.patients).toMatchObject({ pass: 'incremental', updated: 1, added: 0, deleted: 0 });
    const list = async (includeDeleted = false) => (await get(`/api/v1/patients?integrationId=${integrationId}&limit=100&includeDeleted=${includeDeleted}`).expect(200)).body.data as Array<{ externalId: string; deletedAt: string | null; data: { displayName: string } }>;
    expect((await list()).find((p) => p.externalId === changed)!.data.displayName).toContain('Renamed');
    const full = await sync('full');
    expect(full.progress.patients).toMatchObject({ pass: 'full', deleted: 1 }); // the reader's own tombstone (reconcile.ts), not the engine's reconciledDeletes
    expect((await list()).map((p) => p.externalId)).not.toContain(removed);
    expect((await list(true)).find((p) => p.externalId === removed)!.deletedAt).toEqual(expect.any(String));
  });
});
