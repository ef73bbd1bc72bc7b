import { specDatabase } from '../helpers/sandbox';
import IORedis from 'ioredis';
import { Connection } from 'mysql2/promise';
import { OpenDentalDbAdapter } from '../../src/providers/opendental-db/opendental-db.adapter';
import { OpenDentalApiAdapter } from '../../src/providers/opendental-api/opendental-api.adapter';
import { OpenDentalApiException } from '../../src/providers/opendental-api/retry-policy';
import { mapCoverage } from '../../src/providers/opendental-shared/coverage.mapper';
import { mapDocument } from '../../src/providers/opendental-shared/document.mapper';
import { localToInstant } from '../../src/providers/opendental-shared/values';
import { AdapterContext, CanonicalRecord, ResourceType } from '../../src/providers/provider-adapter';
import { ProviderExceptionCode } from '../../src/providers/provider.exception';
import { mutateOpenDentalSandbox, openSandboxConnection, parseMysqlUrl } from '../../src/sandbox/opendental-db';
import { apiContext, ApiSandbox, buildOffice, makeAdapter, MYSQL_URL, readAll, sleep, startApiSandbox, TEST_REDIS_URL } from '../helpers/opendental-api';

/**
 * The `opendental-api` adapter against the simulated API: paging, checkpoints and increments by
 * serverDateTime, mapping (the same canonical data as the `opendental-db` adapter reading the
 * same office database), the insurance chain, documents, and the write operations.
 */
const DB = specDatabase('od_spec_api_adapter');
const KEY = `spec-adapter-${process.pid}`;
const TZ = 'America/Chicago';
const PATIENTS = 250;

let api: ApiSandbox;
let redis: IORedis;
let mysql: Connection;
let adapter: OpenDentalApiAdapter;
let ctx: AdapterContext;

const query = async <T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> => (await mysql.query(sql, params))[0] as T[];
const ids = (result: { records: Map<string, unknown>; skipped: Array<{ externalId: string | null }> }): string[] =>
  [...result.records.keys(), ...result.skipped.map((s) => String(s.externalId))].sort((a, b) => Number(a) - Number(b));

beforeAll(async () => {
  await buildOffice(DB, PATIENTS, 11);
  mysql = await openSandboxConnection(MYSQL_URL, DB);
  api = await startApiSandbox(`spec-adapter-${process.pid}`);
  await api.sandbox.registerCustomer({ customerKey: KEY, database: DB, minIntervalMs: 0 });
  redis = new IORedis(TEST_REDIS_URL);
  adapter = makeAdapter(redis, { intervalMs: 0, throttleKeyPrefix: `spec-adapter-${process.pid}` });
  ctx = apiContext(api.baseUrl, KEY, { timeZone: TZ });
});

afterAll(async () => {
  await api?.close();
  await redis?.quit();
  await mysql?.query(`DROP DATABASE IF EXISTS ${DB}`);
  await mysql?.end();
});

describe('descriptor and connection', () => {
  it('declares its resources, increments and write-back; validates config', () => {
    expect(adapter.descriptor.id).toBe('opendental-api');
    expect(adapter.descriptor.capabilities.incremental).toEqual(['providers', 'patients', 'appointments', 'documents']);
    expect(adapter.writeBack.actions).toContain('create_appointment');
    expect(adapter.validateConfig({ timeZone: 'Mars/Base' })[0].field).toBe('config.timeZone');
    expect(adapter.validateConfig({ pageSize: 500 })[0].field).toBe('config.pageSize');
    expect(adapter.validateConfig({ pageSize: 500, apiMode: 'local' })).toEqual([]);
    expect(adapter.validateConfig({ baseUrl: 'http://169.254.169.254/latest' })[0].field).toBe('config.baseUrl');
  });

  it('testConnection: ok with good keys; a refused key is ok: false with AUTHENTICATION_FAILED, never thrown', async () => {
    expect((await adapter.testConnection(ctx)).ok).toBe(true);
    const bad = await adapter.testConnection(apiContext(api.baseUrl, 'unknown-key'));
    expect(bad).toMatchObject({ ok: false, details: { code: ProviderExceptionCode.AUTHENTICATION_FAILED } });
  });

  it('a 401 during a read is a permanent AUTHENTICATION_FAILED, not retried', async () => {
    const before = api.sandbox.requests('unknown-key').length;
    const error = await readAll(adapter, apiContext(api.baseUrl, 'unknown-key'), 'patients').catch((e) => e);
    expect(error).toBeInstanceOf(OpenDentalApiException);
    expect(error).toMatchObject({ code: ProviderExceptionCode.AUTHENTICATION_FAILED, temporary: false });
    expect(api.sandbox.requests('unknown-key').length).toBe(before); // unknown keys are not even logged: one refused call, no retries
  });
});

describe('same office, same canonical records as the opendental-db adapter', () => {
  const target = parseMysqlUrl(MYSQL_URL);
  const dbCtx: AdapterContext = {
    organizationId: 'org-spec', integrationId: 'int-db', environment: 'sandbox',
    config: { host: target.host, port: target.port, database: DB, username: target.user, timeZone: TZ }, credentials: { password: target.password },
  };

  it.each<ResourceType>(['patients', 'providers', 'locations', 'appointments', 'coverages', 'documents'])('%s: same records, skips, deletes and data', async (resource) => {
    const viaApi = await readAll(adapter, ctx, resource, null, resource === 'documents' ? 100 : 1000);
    const viaDb = await readAll(new OpenDentalDbAdapter(), dbCtx, resource);
    expect(viaApi.records.size).toBeGreaterThan(0);
    expect([...viaApi.records.keys()].sort()).toEqual([...viaDb.records.keys()].sort());
    expect(viaApi.skipped.map((s) => `${s.externalId}:${s.code}`).sort()).toEqual(viaDb.skipped.map((s) => `${s.externalId}:${s.code}`).sort());
    for (const [id, fromDb] of viaDb.records) {
      const fromApi = viaApi.records.get(id)!;
      expect({ id, data: fromApi.data }).toEqual({ id, data: fromDb.data });
      expect(fromApi.deleted ?? false).toBe(fromDb.deleted ?? false);
      expect(fromApi.patientExternalId ?? null).toBe(fromDb.patientExternalId ?? null);
      if (resource !== 'locations') expect(fromApi.sourceUpdatedAt).toBe(fromDb.sourceUpdatedAt);
      if (resource === 'appointments') expect(typeof (fromApi as CanonicalRecord<'appointments'>).data.sourceConfirmation).toBe('string');
    }
  });

  it('opendental-db: coverages are read whole (keyed by PatPlanNum), documents incrementally by DateTStamp, without file content', async () => {
    const db = new OpenDentalDbAdapter();
    expect(db.descriptor.capabilities.resources).toEqual(expect.arrayContaining(['coverages', 'documents']));
    expect(db.descriptor.capabilities.incremental).toContain('documents');
    expect(db.descriptor.capabilities.incremental).not.toContain('coverages');

    const coverages = await readAll(db, dbCtx, 'coverages', null, 40);
    const [{ n }] = await query<{ n: number }>('SELECT count(*) n FROM patplan');
    expect(coverages.records.size + coverages.skipped.length).toBe(Number(n));
    expect(coverages.batches.length).toBeGreaterThan(1);
    expect(coverages.checkpoint).toEqual({ patplan: { pk: String((await query('SELECT max(PatPlanNum) m FROM patplan'))[0].m) } });

    const full = await readAll(db, dbCtx, 'documents');
    const [doc] = await query('SELECT DocNum FROM document ORDER BY DocNum LIMIT 1');
    for (const record of full.records.values()) expect(JSON.stringify(record.raw)).not.toMatch(/RawBase64|Thumbnail/);
    expect((await readAll(db, dbCtx, 'documents', full.checkpoint)).batches).toHaveLength(0);
    await mysql.query("UPDATE document SET Description = CONCAT(Description, ' (rescanned)') WHERE DocNum = ?", [doc.DocNum]);
    await sleep(1100); // the current second is left to the next read
    const next = await readAll(db, dbCtx, 'documents', full.checkpoint);
    expect([...next.records.keys()]).toEqual([String(doc.DocNum)]);
    expect(next.records.get(String(doc.DocNum))!.data.description).toMatch(/\(rescanned\)$/);
  });

  it('coverages with a broken chain and documents limited to clinicNums: the same skips and records on both paths', async () => {
    const db = new OpenDentalDbAdapter();
    const [{ PatNum }] = await query('SELECT PatNum FROM patient ORDER BY PatNum LIMIT 1');
    const [inserted] = await mysql.query('INSERT INTO patplan (PatNum, Ordinal, InsSubNum) VALUES (?, 3, 9999999)', [PatNum]) as unknown as [{ insertId: number }];
    try {
      const viaApi = await readAll(adapter, ctx, 'coverages');
      const viaDb = await readAll(db, dbCtx, 'coverages');
      expect(viaDb.skipped).toEqual([expect.objectContaining({ externalId: String(inserted.insertId), code: 'missing_subscription' })]);
      expect(viaApi.skipped).toEqual(viaDb.skipped);
      expect([...viaApi.records.keys()].sort()).toEqual([...viaDb.records.keys()].sort());
    } finally {
      await mysql.query('DELETE FROM patplan WHERE PatPlanNum = ?', [inserted.insertId]);
    }
    const clinics = { clinicNums: [1, 2] };
    const apiDocs = await readAll(adapter, apiContext(api.baseUrl, KEY, { timeZone: TZ, ...clinics }), 'documents', null, 100);
    const dbDocs = await readAll(db, { ...dbCtx, config: { ...dbCtx.config, ...clinics } }, 'documents');
    const [{ n }] = await query<{ n: number }>('SELECT count(*) n FROM document d JOIN patient p ON p.PatNum = d.PatNum WHERE p.ClinicNum IN (1, 2)');
    expect(dbDocs.records.size).toBe(Number(n));
    expect(Number(n)).toBeGreaterThan(0);
    expect([...apiDocs.records.keys()].sort()).toEqual([...dbDocs.records.keys()].sort());
  });

  it('appointments: sourceConfirmation is the ApptConfirmed definition name (the API sends it as text), confirmation our confirmed/unconfirmed', async () => {
    const viaApi = await readAll(adapter, ctx, 'appointments');
    const rows = await query<{ AptNum: number; ItemName: string }>('SELECT a.AptNum, d.ItemName FROM appointment a JOIN definition d ON d.DefNum = a.Confirmed');
    for (const row of rows) {
      const record = viaApi.records.get(String(row.AptNum));
      if (record) expect(record.data.sourceConfirmation).toBe(row.ItemName);
      if (record) expect(record.data.confirmation).toBe(/unconfirmed|not /i.test(row.ItemName) || !/confirmed/i.test(row.ItemName) ? 'unconfirmed' : 'confirmed');
    }
  });

  it('text enums, string booleans and office-local dates are decoded right', async () => {
    const patients = await readAll(adapter, ctx, 'patients');
    for (const row of await query("SELECT PatNum, PatStatus, Gender, Birthdate FROM patient WHERE Birthdate > '0001-01-01' OR PatStatus = 4")) {
      const record = patients.records.get(String(row.PatNum))!;
      expect(record.deleted).toBe(row.PatStatus === 4);
      expect(record.data.gender).toBe(['male', 'female', 'unknown', 'other'][row.Gender]);
      expect(record.data.birthDate).toBe(row.Birthdate === '0001-01-01' ? null : row.Birthdate);
    }
    const appointments = await readAll(adapter, ctx, 'appointments');
    for (const row of await query("SELECT AptNum, AptStatus, DATE_FORMAT(AptDateTime, '%Y-%m-%dT%H:%i:%s') at, Pattern, IsNewPatient, DateTimeArrived FROM appointment WHERE AptStatus IN (1, 2, 5) LIMIT 200")) {
      const record = appointments.records.get(String(row.AptNum))!;
      expect(record.data.status).toBe({ 1: 'booked', 2: 'fulfilled', 5: 'cancelled' }[row.AptStatus as 1 | 2 | 5]);
      expect(record.data.start).toBe(localToInstant(row.at, TZ));
      expect(record.data.durationMinutes).toBe(row.Pattern.length * 5);
      expect(record.data.isNewPatient).toBe(row.IsNewPatient === 1);
      expect(record.data.arrivedAt).toBe(row.DateTimeArrived.startsWith('0001') ? null : localToInstant(row.DateTimeArrived.replace(' ', 'T'), TZ));
    }
    const providers = await readAll(adapter, ctx, 'providers');
    const [retired] = await query('SELECT ProvNum FROM provider WHERE ProvStatus = 1');
    expect(providers.records.get(String(retired.ProvNum))).toMatchObject({ deleted: true, data: { status: 'deleted' } });
  });
});

describe('paging and checkpoints', () => {
  it('pages with Limit/Offset across short pages and ends on the short page', async () => {
    for (const pageSize of [7, 10, 40]) {
      const before = api.sandbox.requests(KEY).length;
      const result = await readAll(adapter, apiContext(api.baseUrl, KEY, { timeZone: TZ, pageSize }), 'patients', null, 50);
      expect(ids(result)).toEqual(Array.from({ length: PATIENTS }, (_, i) => String(i + 1)));
      const overlap = Math.floor(pageSize / 20);
      const expectedRequests = overlap === 0 ? Math.floor(PATIENTS / pageSize) + 1 : Math.ceil((PATIENTS - overlap) / (pageSize - overlap));
      expect(api.sandbox.requests(KEY).length - before).toBe(expectedRequests);
      expect(result.checkpoint).toMatchObject({ v: 1, streams: { patients: { offset: 0, recent: [] } } });
      expect(result.batches.filter((b) => b.fetched > 0).every((b) => b.fetched <= 50)).toBe(true);
    }
  });

  it('a pass ending exactly on a full page ends with an empty page and an empty batch carrying the watermark', async () => {
    const result = await readAll(adapter, apiContext(api.baseUrl, KEY, { timeZone: TZ, pageSize: 10 }), 'patients', null, 10);
    const last = result.batches.at(-1)!;
    expect(last.fetched).toBe(0);
    expect((last.checkpoint as any).streams.patients.since).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('a read stopped by `limit` resumes from its checkpoint without losing or repeating rows', async () => {
    const first = await readAll(adapter, ctx, 'patients', null, 25, 130);
    expect(ids(first)).toHaveLength(130);
    expect((first.checkpoint as any).streams.patients).toMatchObject({ offset: 130, since: null });
    expect((first.checkpoint as any).streams.patients.passServerDateTime).toMatch(/^\d{4}-/);
    const rest = await readAll(adapter, ctx, 'patients', first.checkpoint, 25);
    expect([...ids(first), ...ids(rest)].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: PATIENTS }, (_, i) => String(i + 1)));
  });

  it('rows deleted before the offset between two pages do not make the pass skip a row (page drift)', async () => {
    const all = (await query<{ AptNum: number }>('SELECT AptNum FROM appointment ORDER BY AptNum')).map((r) => String(r.AptNum));
    const cfg = apiContext(api.baseUrl, KEY, { timeZone: TZ, pageSize: 40 });
    const first = await readAll(adapter, cfg, 'appointments', null, 40, 80);
    const read = ids(first);
    await mysql.query('DELETE FROM appointment WHERE AptNum IN (?)', [[read[5], read[6]].map(Number)]);
    const rest = await readAll(adapter, cfg, 'appointments', first.checkpoint, 1000);
    expect(new Set([...read, ...ids(rest)])).toEqual(new Set(all));
  });

  it('incremental: DateTStamp = the previous serverDateTime − 1 s brings exactly the rows changed since', async () => {
    const full = await readAll(adapter, ctx, 'patients');
    const fullAppts = await readAll(adapter, ctx, 'appointments');
    const pass = (full.checkpoint as any).streams.patients;
    expect(pass).toMatchObject({ offset: 0, passServerDateTime: null });
    const changes = await mutateOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB, seed: 5, updatePatients: 6, deletePatients: 2, addPatients: 3, updateAppointments: 4 });
    await sleep(1100);
    const next = await readAll(adapter, ctx, 'patients', full.checkpoint);
    const changed = [...changes.updatedPatNums, ...changes.deletedPatNums, ...changes.addedPatNums].map(String).sort((a, b) => Number(a) - Number(b));
    expect(ids(next)).toEqual(changed);
    for (const patNum of changes.deletedPatNums) expect(next.records.get(String(patNum))?.deleted).toBe(true);
    const nextAppts = await readAll(adapter, ctx, 'appointments', fullAppts.checkpoint);
    expect(ids(nextAppts)).toEqual(changes.updatedAptNums.map(String));
    expect((next.checkpoint as any).streams.patients.since > pass.since).toBe(true);

    const quiet = await readAll(adapter, ctx, 'patients', next.checkpoint);
    expect(quiet.batches).toHaveLength(0);
  });

  it('clinicNums: one stream per clinic, each with its own checkpoint', async () => {
    const result = await readAll(adapter, apiContext(api.baseUrl, KEY, { timeZone: TZ, clinicNums: [1, 2] }), 'appointments');
    const expected = await query<{ n: number }>('SELECT count(*) n FROM appointment WHERE ClinicNum IN (1, 2)');
    expect(result.records.size + result.skipped.length).toBe(Number(expected[0].n));
    expect(Object.keys((result.checkpoint as any).streams).sort()).toEqual(['appointments:clinic:1', 'appointments:clinic:2']);
  });
});

describe('insurance chain and documents', () => {
  it('coverages: patplan → inssub → insplan → carrier joined right, and the same data as the shared mapper on database rows', async () => {
    const result = await readAll(adapter, ctx, 'coverages');
    const rows = await query(`SELECT pp.*, s.SubscriberID, s.Subscriber, p.GroupNum, p.GroupName, c.CarrierName, c.ElectID
      FROM patplan pp JOIN inssub s ON s.InsSubNum = pp.InsSubNum JOIN insplan p ON p.PlanNum = s.PlanNum JOIN carrier c ON c.CarrierNum = p.CarrierNum`);
    expect(rows.length).toBeGreaterThan(20);
    expect(result.records.size).toBe(rows.length);
    for (const row of rows) {
      const record = result.records.get(String(row.PatPlanNum))!;
      expect(record.patientExternalId).toBe(String(row.PatNum));
      expect(record.data).toMatchObject({
        beneficiary: { externalId: String(row.PatNum) }, order: row.Ordinal, subscriberId: row.SubscriberID, subscriber: { externalId: String(row.Subscriber) },
        relationship: ['self', 'spouse', 'child'][row.Relationship], payer: { name: row.CarrierName, electronicId: row.ElectID },
        groupName: row.GroupName || null, groupNumber: row.GroupNum || null,
      });
    }
    const [pp, subs, plans, carriers] = await Promise.all(['patplan', 'inssub', 'insplan', 'carrier'].map((t) => query(`SELECT * FROM ${t}`)));
    for (const patplan of pp) {
      const inssub = subs.find((s) => s.InsSubNum === patplan.InsSubNum);
      const insplan = plans.find((p) => p.PlanNum === inssub?.PlanNum);
      const carrier = carriers.find((c) => c.CarrierNum === insplan?.CarrierNum);
      const fromDb = mapCoverage({ patplan, inssub, insplan, carrier }) as CanonicalRecord;
      expect(result.records.get(String(patplan.PatPlanNum))!.data).toEqual(fromDb.data);
    }
  });

  it('documents: every document of every patient, metadata only, the same data as the shared mapper on database rows', async () => {
    const result = await readAll(adapter, ctx, 'documents', null, 100);
    const docs = await query('SELECT * FROM document');
    expect(result.records.size).toBe(docs.length);
    for (const doc of docs) {
      const record = result.records.get(String(doc.DocNum))!;
      expect(record.patientExternalId).toBe(String(doc.PatNum));
      expect(record.data).toEqual((mapDocument(doc, TZ) as CanonicalRecord).data);
      expect(JSON.stringify(record.raw)).not.toContain('RawBase64');
    }
  });
});

describe('write operations', () => {
  it('createPatient: 201 creates; the same person again is OpenDental\'s duplicate (duplicate: true, same PatNum)', async () => {
    const input = { LName: 'Nakamura', FName: 'Aiko', Birthdate: '1991-07-14', Email: 'aiko.n@example.com', Gender: 'Female' as const };
    const created = await adapter.createPatient(ctx, input);
    expect(created).toMatchObject({ duplicate: false, record: { data: { names: expect.arrayContaining([expect.objectContaining({ use: 'official', given: ['Aiko'] })]), birthDate: '1991-07-14', gender: 'female', status: 'active' } } });
    const again = await adapter.createPatient(ctx, input);
    expect(again).toMatchObject({ duplicate: true, patNum: created.patNum });
    expect((await adapter.getPatient(ctx, created.patNum)).record.externalId).toBe(String(created.patNum));
  });

  it('slots, booking, confirm, note and break, each answered with the canonical appointment', async () => {
    const [op] = await query('SELECT OperatoryNum, ProvDentist FROM operatory WHERE IsHidden = 0 AND ProvDentist > 0 ORDER BY OperatoryNum LIMIT 1');
    const [{ d }] = await query("SELECT DATE_FORMAT(DATE_ADD(CURDATE(), INTERVAL ((11 - DAYOFWEEK(CURDATE())) % 7) + 7 DAY), '%Y-%m-%d') d");
    const slots = await adapter.getSlots(ctx, { date: d, ProvNum: op.ProvDentist, OpNum: op.OperatoryNum, lengthMinutes: 30 });
    expect(slots.length).toBeGreaterThan(0);
    const slot = slots[0];
    expect(slot).toMatchObject({ date: d, providerExternalId: String(op.ProvDentist), locationExternalId: String(op.OperatoryNum) });
    expect(slot.start).toBe(localToInstant(slot.localStart, TZ));
    expect(slot.durationMinutes).toBeGreaterThanOrEqual(30);

    const [patient] = await query('SELECT PatNum FROM patient WHERE PatStatus = 0 ORDER BY PatNum LIMIT 1');
    const booked = await adapter.createAppointment(ctx, { PatNum: patient.PatNum, Op: op.OperatoryNum, AptDateTime: slot.start, Pattern: '//XXXX//', IsNewPatient: false });
    expect(booked.record?.data).toMatchObject({ status: 'booked', start: slot.start, durationMinutes: 40, location: { externalId: String(op.OperatoryNum) } });
    expect(booked.vendor.AptDateTime).toBe(slot.localStart.replace('T', ' '));

    const confirmed = await adapter.confirmAppointment(ctx, booked.aptNum, { confirmVal: 'Confirmed' });
    expect(confirmed.record?.data).toMatchObject({ confirmation: 'confirmed', sourceConfirmation: 'Appointment Confirmed' });
    const noted = await adapter.appendAppointmentNote(ctx, booked.aptNum, 'Prefers the window chair.');
    expect(noted.record?.data.comment).toBe('Prefers the window chair.');
    const broken = await adapter.breakAppointment(ctx, booked.aptNum, { sendToUnscheduledList: false, breakType: 'Cancelled' });
    expect(broken.record?.data).toMatchObject({ status: 'cancelled', sourceStatus: 'Broken' });
    const again = await adapter.breakAppointment(ctx, booked.aptNum, { sendToUnscheduledList: false }).catch((e) => e);
    expect(again).toMatchObject({ code: ProviderExceptionCode.BAD_REQUEST, vendorStatus: 400, temporary: false });
    expect(again.vendorMessage).toMatch(/Scheduled/);
    expect((await adapter.findAppointments(ctx, { PatNum: patient.PatNum, date: d })).map((a) => a.aptNum)).toContain(booked.aptNum);
  });

  it('a read-only key refuses writes before calling OpenDental; an unknown appointment is NOT_FOUND', async () => {
    await expect(adapter.createPatient(apiContext(api.baseUrl, KEY, { readOnly: true }), { LName: 'A', FName: 'B' })).rejects.toMatchObject({ code: ProviderExceptionCode.UNSUPPORTED });
    await expect(adapter.getAppointment(ctx, 9_999_999)).rejects.toMatchObject({ code: ProviderExceptionCode.NOT_FOUND });
  });
});
