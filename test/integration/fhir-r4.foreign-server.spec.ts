import type { Patient } from '@medplum/fhirtypes';
import IORedis from 'ioredis';
import { FhirR4Adapter } from '../../src/providers/fhir-r4/fhir-r4.adapter';
import { AdapterContext, Checkpoint, ResourceType } from '../../src/providers/provider-adapter';
import { ProviderExceptionCode } from '../../src/providers/provider.exception';
import { keyPair, makeFhirAdapter } from '../helpers/fhir';
import { FOREIGN_TYPES } from '../helpers/medplum-capability';
import { MedplumFhirServer, startMedplumFhirServer } from '../helpers/medplum-fhir-server';
import { FOREIGN_COUNTS, seedForeignServer } from '../helpers/medplum-seed';
import { dropKeys } from '../helpers/nexhealth';
import { readToEnd, ReadResult } from '../helpers/read-all';

const PREFIX = 'fhir-r4-foreign-spec';
const RESOURCES: Array<[ResourceType, (typeof FOREIGN_TYPES)[number]]> = [
  ['providers', 'Practitioner'], ['locations', 'Location'], ['patients', 'Patient'], ['coverages', 'Coverage'], ['appointments', 'Appointment'], ['documents', 'DocumentReference'],
];

/**
 * A `fhir-r4` integration against a FHIR server the hub's authors did not write (issue 9 "Done
 * when"): Medplum's `@medplum/fhir-router` over its MemoryRepository, seeded through Medplum's
 * own repository, reached only through its smart-configuration (token URL discovered), a
 * private_key_jwt token, its CapabilityStatement, search with Medplum's `_offset` next links and
 * Bulk Data `$export`. Full sync counts exact, mappings spot-checked, an update picked up by
 * `_lastUpdated`, a delete tombstoned by the next full pass's reconciliation.
 */
describe('fhir-r4 against a foreign FHIR server (@medplum/fhir-router)', () => {
  let server: MedplumFhirServer;
  let redis: IORedis;
  let adapter: FhirR4Adapter;
  const key = keyPair('RS384');
  const ec = keyPair('ES384');

  beforeAll(async () => {
    server = await startMedplumFhirServer([
      { clientId: 'hub-backend', kid: 'hub-key-1', publicKey: key.publicKey }, { clientId: 'hub-ec', kid: 'hub-ec-1', publicKey: ec.publicKey },
    ], seedForeignServer);
    redis = new IORedis(process.env.REDIS_URL!);
    await dropKeys(redis, PREFIX);
    adapter = makeFhirAdapter(redis, PREFIX);
  });
  afterAll(async () => {
    await server.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });

  const ctx = (integrationId: string, config: Record<string, unknown> = {}): AdapterContext => ({
    organizationId: 'org-foreign', integrationId, environment: 'production',
    config: { fhirBaseUrl: server.baseUrl, clientId: 'hub-backend', keyId: 'hub-key-1', pageSize: 10, ...config }, credentials: { privateKey: key.privatePem },
  });

  it('refuses requests without its bearer token; the adapter connects through smart-configuration and metadata', async () => {
    expect((await fetch(`${server.baseUrl}/Patient`)).status).toBe(401);
    expect(adapter.validateConfig(ctx('x').config)).toEqual([]);
    expect(await adapter.testConnection(ctx('int-foreign-search'))).toMatchObject({ ok: true, details: { fhirVersion: '4.0.1', software: expect.stringContaining('Medplum') } });
    expect(server.log.map((e) => `${e.method} ${e.path.replace(server.baseUrl.replace(/^http:\/\/[^/]+/, ''), '')} ${e.status}`)).toEqual([
      'GET /Patient 401', 'GET /.well-known/smart-configuration 200', 'POST /oauth2/token 200', 'GET /metadata 200',
    ]);
    // ES384 (JWS signature as raw r‖s, not DER) verified by node:crypto, and a wrong key refused as a permanent error.
    const ecCtx = { ...ctx('int-foreign-ec', { clientId: 'hub-ec', keyId: 'hub-ec-1', signingAlgorithm: 'ES384' }), credentials: { privateKey: ec.privatePem } };
    expect(await adapter.testConnection(ecCtx)).toMatchObject({ ok: true });
    const wrong = { ...ctx('int-foreign-wrong', { clientId: 'hub-ec', keyId: 'hub-ec-1', signingAlgorithm: 'RS384' }), credentials: { privateKey: key.privatePem } };
    expect(await adapter.testConnection(wrong)).toMatchObject({ ok: false, details: { code: ProviderExceptionCode.AUTHENTICATION_FAILED, temporary: false } });
  });

  describe('by paged search', () => {
    const checkpoints = new Map<ResourceType, Checkpoint | null>();
    const patientIds = () => server.repo.searchResources<Patient>({ resourceType: 'Patient', count: 1000 }).then((all) => all.map((p) => p.id!));

    it('full sync: counts exact per resource, Medplum next links followed, mappings kept', async () => {
      for (const [resource, type] of RESOURCES) {
        const result = await readToEnd(adapter, ctx('int-foreign-search'), { resource, checkpoint: null, batchSize: 25 });
        expect({ resource, records: result.records.size, failed: result.failed.length, skipped: result.skipped.length }).toEqual({ resource, records: FOREIGN_COUNTS[type], failed: 0, skipped: 0 });
        checkpoints.set(resource, result.checkpoint);
        if (resource === 'patients') {
          const pages = server.log.filter((e) => e.path.endsWith('/Patient') && e.status === 200);
          expect(pages.map((p) => new URLSearchParams(p.query).get('_offset'))).toEqual([null, '10', '20', '30', '40']);
          const [first] = await server.repo.searchResources<Patient>({ resourceType: 'Patient', count: 1 });
          const mapped = (result as ReadResult<'patients'>).records.get(first.id!)!;
          expect(mapped.data).toMatchObject({ displayName: expect.stringContaining(first.name![0].family!), birthDate: first.birthDate, gender: first.gender });
          expect(mapped.data.telecom.map((t) => t.value)).toEqual(expect.arrayContaining(first.telecom!.map((t) => t.value)));
          expect(mapped.data.identifiers).toEqual(expect.arrayContaining([expect.objectContaining({ value: first.identifier![0].value })]));
          expect(mapped.sourceUpdatedAt).toBe(first.meta!.lastUpdated);
        }
        if (resource === 'appointments') {
          const [appt] = await server.repo.searchResources({ resourceType: 'Appointment', count: 1 });
          const ids = (appt as { participant: Array<{ actor: { reference: string } }> }).participant.map((p) => p.actor.reference.split('/')[1]);
          expect(result.records.get(appt.id!)!.data).toMatchObject({ patient: { externalId: ids[0] }, provider: { externalId: ids[1] }, location: { externalId: ids[2] }, durationMinutes: 30 });
        }
      }
    });

    it('incremental by _lastUpdated picks up an update made through the repository, not the delete', async () => {
      const [changed, removed] = (await patientIds()).slice(5, 7);
      const before = await server.repo.readResource<Patient>('Patient', changed);
      await server.repo.updateResource<Patient>({ ...before, telecom: [{ system: 'phone', value: '971-555-9999', use: 'mobile', rank: 1 }] });
      await server.repo.deleteResource('Patient', removed);
      const incremental = await readToEnd(adapter, ctx('int-foreign-search'), { resource: 'patients', checkpoint: checkpoints.get('patients')!, batchSize: 25 });
      expect([...incremental.records.keys()]).toEqual([changed]);
      expect(incremental.records.get(changed)!.data.telecom).toEqual([expect.objectContaining({ value: '971-555-9999' })]);
      expect(incremental.batches.flatMap((b) => b.deletedExternalIds)).toEqual([]);
      const page = server.log.filter((e) => e.path.endsWith('/Patient')).at(-1)!;
      expect(new URLSearchParams(page.query).get('_lastUpdated')).toMatch(/^ge\d{4}-/);

      const full = await readToEnd(adapter, ctx('int-foreign-search'), { resource: 'patients', checkpoint: null, priorCheckpoint: incremental.checkpoint, batchSize: 25 });
      expect(full.records.size).toBe(FOREIGN_COUNTS.Patient - 1);
      expect(full.batches.flatMap((b) => b.deletedExternalIds)).toEqual([removed]);
      expect(server.log.filter((e) => e.path.endsWith(`/Patient/${removed}`)).map((e) => e.status)).toEqual([404]); // MemoryRepository answers 404 for a deleted id (Medplum's server 410): both tombstone
      checkpoints.set('patients', full.checkpoint);
    });

    it('a delete between two _offset pages shifts a row past the next page; the full pass reads it back by id', async () => {
      const live = await patientIds();
      let gone = '';
      const reads = server.log.length;
      const full = await readToEnd(adapter, ctx('int-foreign-search'), { resource: 'patients', checkpoint: null, priorCheckpoint: checkpoints.get('patients')!, batchSize: 10 }, async (batch, index) => {
        if (index === 0) await server.repo.deleteResource('Patient', (gone = batch.records[0].externalId));
      });
      const skipped = live[10]; // offset 10 now starts at what was the 12th row
      expect(full.records.size).toBe(live.length);
      expect(full.batches.flatMap((b) => b.deletedExternalIds)).toEqual([]);
      expect(server.log.slice(reads).filter((e) => /\/Patient\/[^/]+$/.test(e.path)).map((e) => [e.path.split('/').pop(), e.status])).toEqual([[skipped, 200]]);
      const next = await readToEnd(adapter, ctx('int-foreign-search'), { resource: 'patients', checkpoint: null, priorCheckpoint: full.checkpoint, batchSize: 25 });
      expect(next.batches.flatMap((b) => b.deletedExternalIds)).toEqual([gone]);
    });
  });

  describe('by Bulk Data $export (bulkExport: always)', () => {
    it('exports each type with exact counts, then _since from transactionTime brings the changed row only', async () => {
      const checkpoints = new Map<ResourceType, Checkpoint | null>();
      for (const [resource, type] of RESOURCES) {
        const result = await readToEnd(adapter, ctx('int-foreign-bulk', { bulkExport: 'always' }), { resource, checkpoint: null, batchSize: 50 });
        const expected = (await server.repo.searchResources({ resourceType: type, count: 1000 })).length; // patients: less the ones deleted above
        if (type !== 'Patient') expect(expected).toBe(FOREIGN_COUNTS[type]);
        expect({ resource, records: result.records.size, failed: result.failed.length }).toEqual({ resource, records: expected, failed: 0 });
        checkpoints.set(resource, result.checkpoint);
      }
      const kickoffs = server.log.filter((e) => e.path.endsWith('/$export'));
      expect(kickoffs.map((e) => [new URLSearchParams(e.query).get('_type'), e.status])).toEqual(RESOURCES.map(([, type]) => [type, 202]));
      expect(server.log.filter((e) => e.method === 'DELETE' && e.path.includes('/bulkstatus/'))).toHaveLength(RESOURCES.length);

      const [someone] = await server.repo.searchResources<Patient>({ resourceType: 'Patient', count: 1 });
      await server.repo.updateResource<Patient>({ ...someone, gender: 'other' });
      const next = await readToEnd(adapter, ctx('int-foreign-bulk', { bulkExport: 'always' }), { resource: 'patients', checkpoint: checkpoints.get('patients')!, batchSize: 50 });
      expect([...next.records.keys()]).toEqual([someone.id]);
      expect(next.records.get(someone.id!)!.data).toMatchObject({ gender: 'other' });
      expect(new URLSearchParams(server.log.filter((e) => e.path.endsWith('/$export')).at(-1)!.query).get('_since')).toMatch(/^\d{4}-/);

      // The periodic full pass (checkpoint null, the last one as prior) exports everything again and tombstones by reconciliation.
      await server.repo.deleteResource('Patient', someone.id!);
      const full = await readToEnd(adapter, ctx('int-foreign-bulk', { bulkExport: 'always' }), { resource: 'patients', checkpoint: null, priorCheckpoint: next.checkpoint, batchSize: 50 });
      expect(new URLSearchParams(server.log.filter((e) => e.path.endsWith('/$export')).at(-1)!.query).get('_since')).toBeNull();
      expect(full.records.size).toBe((await server.repo.searchResources({ resourceType: 'Patient', count: 1000 })).length);
      expect(full.batches.flatMap((b) => b.deletedExternalIds)).toEqual([someone.id]);
    });
  });
});
