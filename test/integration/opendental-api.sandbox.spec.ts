import { specDatabase } from '../helpers/sandbox';
import { Connection } from 'mysql2/promise';
import { OpenDentalApiGate } from '../../src/sandbox/opendental-api/gate.guard';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { ApiSandbox, buildOffice, MYSQL_URL, odRequest, sleep, startApiSandbox } from '../helpers/opendental-api';

/**
 * The simulated OpenDental REST API behaves as OpenDental's API specification says (https://www.opendental.com/site/apispecification.html): ODFHIR
 * auth, JSON content type on every request, Limit/Offset ≤ 100, text enums, string booleans,
 * serverDateTime and DateTStamp, duplicate check, Break/Confirm/Note, Slots, and the throttle.
 */
const DB = specDatabase('od_spec_api_sandbox');
const KEY = `spec-sandbox-${process.pid}`;

let api: ApiSandbox;
let mysql: Connection;
const get = (path: string, customerKey = KEY) => odRequest(api.baseUrl, path, { customerKey });
const send = (method: string, path: string, body: unknown, customerKey = KEY) => odRequest(api.baseUrl, path, { method, body, customerKey });
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> => ((await mysql.query(sql, params))[0] as T[])[0];

beforeAll(async () => {
  await buildOffice(DB, 120, 3);
  mysql = await openSandboxConnection(MYSQL_URL, DB);
  api = await startApiSandbox(`spec-sandbox-${process.pid}`);
  await api.sandbox.registerCustomer({ customerKey: KEY, database: DB, minIntervalMs: 0 });
});

afterAll(async () => {
  await api?.close();
  await mysql?.query(`DROP DATABASE IF EXISTS ${DB}`);
  await mysql?.end();
});

describe('transport (§1.1, §1.4)', () => {
  it('401 without ODFHIR, with a malformed header, an unknown customer key or a wrong developer key', async () => {
    expect((await odRequest(api.baseUrl, '/providers')).status).toBe(401);
    expect((await odRequest(api.baseUrl, '/providers', { authorization: `Bearer ${KEY}` })).status).toBe(401);
    expect((await odRequest(api.baseUrl, '/providers', { customerKey: 'nobody' })).status).toBe(401);
    const wrongDev = await odRequest(api.baseUrl, '/providers', { customerKey: KEY, developerKey: 'other-dev' });
    expect(wrongDev.status).toBe(401);
    expect(typeof wrongDev.body).toBe('string');
  });

  it('400 without Content-Type: application/json, on GETs too', async () => {
    const res = await odRequest(api.baseUrl, '/providers', { customerKey: KEY, contentType: null });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/Content-Type/);
  });

  it('Limit defaults to and stops at 100; Offset pages', async () => {
    expect((await get('/appointments')).body).toHaveLength(100);
    expect((await get('/appointments?Limit=101')).status).toBe(400);
    const all = (await get('/appointments?Limit=100')).body.map((a: { AptNum: number }) => a.AptNum);
    const page = (await get('/appointments?Limit=10&Offset=20')).body.map((a: { AptNum: number }) => a.AptNum);
    expect(page).toEqual(all.slice(20, 30));
  });
});

describe('reads (§1.2, §1.5, §1.6)', () => {
  it('patients/Simple: text enums, string booleans, stored dates, serverDateTime on every row', async () => {
    const res = await get('/patients/Simple?Limit=100');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    const server = await one<{ now: string }>("SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i') now");
    for (const p of res.body) {
      expect(p.serverDateTime.slice(0, 16)).toBe(server.now);
      expect(['Patient', 'NonPatient', 'Inactive', 'Archived', 'Deleted', 'Deceased', 'Prospective']).toContain(p.PatStatus);
      expect(['Male', 'Female', 'Unknown', 'Other']).toContain(p.Gender);
      expect(['true', 'false']).toContain(p.Premed);
      expect(p.Birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.DateTStamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    const row = await one<{ PatNum: number; Gender: number; Birthdate: string }>("SELECT PatNum, Gender, Birthdate FROM patient WHERE Birthdate = '0001-01-01' LIMIT 1");
    const p = (await get(`/patients/${row.PatNum}`)).body;
    expect(p.Birthdate).toBe('0001-01-01');
    expect(p.Gender).toBe(['Male', 'Female', 'Unknown', 'Other'][row.Gender]);
  });

  it('DateTStamp means "altered after": only rows stamped later come back', async () => {
    const [{ ts }] = (await mysql.query('SELECT DATE_FORMAT(DateTStamp, \'%Y-%m-%d %H:%i:%s\') ts FROM patient ORDER BY DateTStamp DESC LIMIT 1 OFFSET 5'))[0] as Array<{ ts: string }>;
    const res = await get(`/patients/Simple?DateTStamp=${encodeURIComponent(ts)}`);
    const expected = await one<{ n: number }>('SELECT count(*) n FROM patient WHERE DateTStamp > ?', [ts]);
    expect(res.body).toHaveLength(Number(expected.n));
    for (const p of res.body) expect(p.DateTStamp > ts).toBe(true);
  });

  it('appointments: the documented fields, AptStatus text, confirmed text, colorOverride, carriage returns as spaces', async () => {
    const row = await one<{ AptNum: number; Note: string; ItemName: string }>(
      "SELECT a.AptNum, a.Note, d.ItemName FROM appointment a JOIN definition d ON d.DefNum = a.Confirmed WHERE a.Note LIKE '%\\r\\n%' LIMIT 1");
    const res = await get(`/appointments/${row.AptNum}`);
    expect(Object.keys(res.body).slice(0, 8)).toEqual(['serverDateTime', 'AptNum', 'PatNum', 'AptStatus', 'Pattern', 'Confirmed', 'confirmed', 'TimeLocked']);
    expect(res.body.confirmed).toBe(row.ItemName);
    expect(res.body.Note).toBe(row.Note.replace(/\r\n/g, ' '));
    expect(res.body.colorOverride).toMatch(/^\d+,\d+,\d+$/);
    expect(['true', 'false']).toContain(res.body.IsHygiene);
    expect((await get('/appointments/999999')).status).toBe(404);
  });

  it('providers carry provColor and serverDateTime; with ClinicNum, no serverDateTime and no hidden provider', async () => {
    const all = (await get('/providers')).body;
    expect(all[0].provColor).toMatch(/^\d+,\d+,\d+$/);
    expect(all.every((p: { serverDateTime?: string }) => typeof p.serverDateTime === 'string')).toBe(true);
    expect(all.some((p: { ProvStatus: string }) => p.ProvStatus === 'Deleted')).toBe(true);
    const byClinic = (await get('/providers?ClinicNum=1')).body;
    expect(byClinic.some((p: { serverDateTime?: string }) => p.serverDateTime)).toBe(false);
    expect(byClinic.some((p: { IsHidden: string }) => p.IsHidden === 'true')).toBe(false);
  });

  it('operatories have the documented fields and no DateTStamp', async () => {
    const ops = (await get('/operatories')).body;
    expect(Object.keys(ops[0])).toEqual(['OperatoryNum', 'OpName', 'Abbrev', 'ItemOrder', 'IsHidden', 'ProvDentist', 'ProvHygienist', 'IsHygiene', 'ClinicNum', 'SetProspective', 'IsWebSched', 'OperatoryType', 'operatoryType']);
  });

  it('insurance lists: Relationship text, PlanType filter; documents need PatNum', async () => {
    const patplans = (await get('/patplans')).body;
    expect(patplans.length).toBeGreaterThan(0);
    expect(['Self', 'Spouse', 'Child']).toContain(patplans[0].Relationship);
    const ppo = (await get('/insplans?PlanType=p')).body;
    expect(ppo.every((p: { PlanType: string }) => p.PlanType === 'p')).toBe(true);
    expect((await get('/insplans?PlanType=x')).status).toBe(400);
    expect((await get('/documents')).status).toBe(400);
    const doc = await one<{ PatNum: number }>('SELECT PatNum FROM document LIMIT 1');
    const docs = (await get(`/documents?PatNum=${doc.PatNum}`)).body;
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0].RawBase64).toBeUndefined();
    expect(['Document', 'Radiograph', 'Photo', 'File', 'Attachment']).toContain(docs[0].ImgType);
  });
});

describe('writes go to the office database', () => {
  it('POST /patients: LName/FName required; 201 with Location; the duplicate check returns the existing patient with 200', async () => {
    expect((await send('POST', '/patients', { FName: 'Ann' })).status).toBe(400);
    const body = { LName: 'Okafor', FName: 'Chidi', Birthdate: '1988-02-29', WirelessPhone: '(503)555-0142', Gender: 'Male' };
    const created = await send('POST', '/patients', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${api.baseUrl}/patients/${created.body.PatNum}`);
    expect(created.body).toMatchObject({ LName: 'Okafor', PatStatus: 'Patient', Gender: 'Male', Guarantor: created.body.PatNum });
    const again = await send('POST', '/patients', { ...body, WirelessPhone: '503 555 0142', Email: 'x@y.z' });
    expect(again.status).toBe(200);
    expect(again.body.PatNum).toBe(created.body.PatNum);
    const otherPhone = await send('POST', '/patients', { ...body, WirelessPhone: '(503)555-9999' });
    expect(otherPhone.status).toBe(201);
    expect((await send('POST', '/patients', { ...body, Gender: 'Other' })).status).toBe(400);
    expect((await send('POST', '/patients', { ...body, Zip: '9720' })).status).toBe(400);
  });

  it('PUT /patients: left-out fields unchanged, "" clears, LName cannot be blank', async () => {
    const created = await send('POST', '/patients', { LName: 'Put', FName: 'Test', Email: 'put@example.com', City: 'Salem' });
    const updated = await send('PUT', `/patients/${created.body.PatNum}`, { Email: '', City: 'Bend' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ Email: '', City: 'Bend', LName: 'Put' });
    expect((await send('PUT', `/patients/${created.body.PatNum}`, { LName: '' })).status).toBe(400);
    const row = await one<{ City: string }>('SELECT City FROM patient WHERE PatNum = ?', [created.body.PatNum]);
    expect(row.City).toBe('Bend');
  });

  it('POST /appointments applies the defaults and answers 201 with Location; Break only works on Scheduled', async () => {
    const patient = await one<{ PatNum: number; PriProv: number }>('SELECT PatNum, PriProv FROM patient WHERE PatStatus = 0 ORDER BY PatNum LIMIT 1');
    const firstConfirm = await one<{ DefNum: number; ItemName: string }>('SELECT DefNum, ItemName FROM definition WHERE Category = 2 ORDER BY ItemOrder LIMIT 1');
    expect((await send('POST', '/appointments', { PatNum: patient.PatNum, Op: 1 })).status).toBe(400);
    const res = await send('POST', '/appointments', { PatNum: patient.PatNum, Op: 1, AptDateTime: '2031-03-04 09:00:00' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${api.baseUrl}/appointments/${res.body.AptNum}`);
    expect(res.body).toMatchObject({ Pattern: '/XX/', AptStatus: 'Scheduled', ProvNum: Number(patient.PriProv), Confirmed: Number(firstConfirm.DefNum), confirmed: firstConfirm.ItemName });
    const hist = await one<{ n: number }>('SELECT count(*) n FROM histappointment WHERE AptNum = ? AND HistApptAction = 0', [res.body.AptNum]);
    expect(Number(hist.n)).toBe(1);

    expect((await send('PUT', `/appointments/${res.body.AptNum}/Break`, {})).status).toBe(400);
    expect((await send('PUT', `/appointments/${res.body.AptNum}/Break`, { sendToUnscheduledList: true })).status).toBe(400);
    const broken = await send('PUT', `/appointments/${res.body.AptNum}/Break`, { sendToUnscheduledList: 'false', breakType: 'Cancelled' });
    expect(broken.status).toBe(200);
    expect(broken.body).toBeUndefined();
    expect((await get(`/appointments/${res.body.AptNum}`)).body.AptStatus).toBe('Broken');
    const twice = await send('PUT', `/appointments/${res.body.AptNum}/Break`, { sendToUnscheduledList: 'false' });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatch(/Scheduled/);
    const restored = await send('PUT', `/appointments/${res.body.AptNum}`, { AptStatus: 'Scheduled', Note: 'Overwritten' });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ AptStatus: 'Scheduled', Note: 'Overwritten' });
  });

  it('Confirm takes exactly one of confirmVal or defNum; Note appends a line', async () => {
    const { AptNum } = await one<{ AptNum: number }>('SELECT AptNum FROM appointment WHERE AptStatus = 1 ORDER BY AptNum LIMIT 1');
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, {})).status).toBe(400);
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, { confirmVal: 'Confirmed', defNum: 3 })).status).toBe(400);
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, { confirmVal: 'Maybe' })).status).toBe(400);
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, { defNum: 12 })).status).toBe(400); // a BillingTypes definition
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, { confirmVal: 'Confirmed' })).status).toBe(200);
    expect((await get(`/appointments/${AptNum}`)).body.confirmed).toBe('Appointment Confirmed');
    expect((await send('PUT', `/appointments/${AptNum}/Confirm`, { defNum: 7 })).status).toBe(200);
    expect((await get(`/appointments/${AptNum}`)).body.confirmed).toBe('eConfirm Sent');

    const before = await one<{ Note: string }>('SELECT Note FROM appointment WHERE AptNum = ?', [AptNum]);
    expect((await send('PUT', `/appointments/${AptNum}/Note`, { Note: 'Pt asked for a morning slot.' })).status).toBe(200);
    const after = await one<{ Note: string }>('SELECT Note FROM appointment WHERE AptNum = ?', [AptNum]);
    expect(after.Note).toBe(before.Note ? `${before.Note}\r\nPt asked for a morning slot.` : 'Pt asked for a morning slot.');
  });

  it('Slots: open blocks within office hours that never overlap the schedule of the operatory or the provider', async () => {
    const op = await one<{ OperatoryNum: number; ProvDentist: number }>('SELECT OperatoryNum, ProvDentist FROM operatory WHERE IsHidden = 0 AND ProvDentist > 0 ORDER BY OperatoryNum LIMIT 1');
    // A Wednesday one to two weeks ahead: an open day with generated appointments around it.
    const [{ d }] = (await mysql.query("SELECT DATE_FORMAT(DATE_ADD(CURDATE(), INTERVAL ((11 - DAYOFWEEK(CURDATE())) % 7) + 7 DAY), '%Y-%m-%d') d"))[0] as Array<{ d: string }>;
    const query = `/appointments/Slots?dateStart=${d}&dateEnd=${d}&ProvNum=${op.ProvDentist}&OpNum=${op.OperatoryNum}`;
    const before = (await get(query)).body;
    expect(new Date(`${d}T00:00:00Z`).getUTCDay()).toBe(3);
    expect(before.length).toBeGreaterThan(0);
    for (const s of before) {
      expect(s.DateTimeStart >= `${d} 07:00:00` && s.DateTimeEnd <= `${d} 17:00:00`).toBe(true);
      expect(s).toMatchObject({ ProvNum: Number(op.ProvDentist), OpNum: Number(op.OperatoryNum) });
    }
    const block = before[0];
    const patient = await one<{ PatNum: number }>('SELECT PatNum FROM patient WHERE PatStatus = 0 LIMIT 1');
    const booked = await send('POST', '/appointments', { PatNum: patient.PatNum, Op: op.OperatoryNum, ProvNum: op.ProvDentist, AptDateTime: block.DateTimeStart, Pattern: 'XXXXXX' });
    expect(booked.status).toBe(201);
    const after = (await get(query)).body;
    const end = new Date(Date.parse(`${block.DateTimeStart.replace(' ', 'T')}Z`) + 30 * 60000).toISOString().slice(0, 19).replace('T', ' ');
    for (const s of after) expect(s.DateTimeEnd <= block.DateTimeStart || s.DateTimeStart >= end).toBe(true);
    expect((await get('/appointments/Slots?date=2001-01-01')).body).toEqual([]);
    expect((await get(`/appointments/Slots?dateStart=${d}&dateEnd=2001-01-01`)).status).toBe(400);
  });
});

describe('throttle and permissions (§1.4)', () => {
  it('a second request within the interval gets 429 with Retry-After; after waiting it passes', async () => {
    const key = `${KEY}-throttled`;
    await api.sandbox.registerCustomer({ customerKey: key, database: DB, minIntervalMs: 1000 });
    expect((await get('/providers', key)).status).toBe(200);
    const second = await get('/providers', key);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    await sleep(1000);
    expect((await get('/providers', key)).status).toBe(200);
    const log = api.sandbox.requests(key);
    expect(log.map((r) => r.throttled)).toEqual([false, true, false]);
  });

  it('a read-only key may not write (401) and defaults to 1 request per 5 s', async () => {
    const key = `${KEY}-readonly`;
    await api.sandbox.registerCustomer({ customerKey: key, database: DB, readOnly: true });
    expect((await send('POST', '/patients', { LName: 'A', FName: 'B' }, key)).status).toBe(401);
    const next = await get('/providers', key);
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
  });

  it('a disabled sandbox answers 404 everywhere', async () => {
    const off = Object.create(api.sandbox, { enabled: { value: false } });
    const gate = new OpenDentalApiGate(off, undefined as never);
    await expect(gate.canActivate({ switchToHttp: () => ({ getRequest: () => ({ headers: {} }), getResponse: () => ({}) }) } as never)).rejects.toMatchObject({ status: 404 });
  });

  it('injected faults answer the scripted status, then stop', async () => {
    api.sandbox.injectFaults(KEY, { status: 503, count: 2, pathIncludes: '/carriers' });
    expect((await get('/carriers')).status).toBe(503);
    expect((await get('/providers')).status).toBe(200);
    expect((await get('/carriers')).status).toBe(503);
    expect((await get('/carriers')).status).toBe(200);
  });
});
