import { createServer, Server, Socket } from 'node:net';
import { Client } from 'pg';
import { bootAppWith, createOrg, TestApp } from '../helpers/app';
import { freePort } from '../helpers/process';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { buildSandbox, specDatabase } from '../helpers/sandbox';

/**
 * The vendor unreachable for 20 s in the middle of a sync: a TCP relay in front of the OpenDental
 * API sandbox stops listening and drops its connections (connection refused, as when the office's
 * eConnector goes offline), then comes back. The adapter backs off and retries (or the job is
 * retried from its checkpoint), and the job ends with every record stored once.
 */
const DB = specDatabase('od_spec_vendor_outage');
const CUSTOMER = `spec-outage-${process.pid}`;
const OUTAGE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A relay to `targetPort` that can be taken down (refusing connections) and brought back on the same port. */
async function relay(targetPort: number) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const up = () => new Promise<void>((resolve) => {
    server = createServer((inbound) => {
      const outbound = new Socket().connect(targetPort, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const down = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server ? server.close(() => resolve()) : resolve();
    server = null;
  });
  await up();
  return { port, up, down };
}

describe('the vendor unreachable for 20 s mid-sync', () => {
  let app: TestApp;
  let proxy: Awaited<ReturnType<typeof relay>>;

  beforeAll(async () => {
    await buildSandbox(DB, 150, 23);
    app = await bootAppWith({ SYNC_BATCH_SIZE: '10' });
    const server = app.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    await app.app.get(OpenDentalApiSandbox).registerCustomer({ customerKey: CUSTOMER, database: DB, mode: 'local', minIntervalMs: 0 });
    proxy = await relay((server.address() as { port: number }).port);
  });

  afterAll(async () => {
    await proxy?.down();
    await app?.close();
  });

  it('backs off through the outage and stores every patient and document once', async () => {
    const org = await createOrg(app, 'Outage Dental');
    const integrationId = (await app.http.post('/api/v1/integrations').set('Authorization', org.auth).send({
      vendor: 'opendental-api', name: 'Behind a flaky link', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${proxy.port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
    const job = (await app.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients', 'documents'] }).expect(202)).body;
    const get = async () => (await app.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200)).body;

    for (let i = 0; ((await get()).progress?.documents?.fetched ?? 0) < 20; i++) {
      if (i > 1000) throw new Error('documents never started');
      await sleep(20);
    }
    await proxy.down();
    const cutAt = Date.now();
    await sleep(OUTAGE_MS);
    expect((await get()).status).toMatch(/queued|running/); // still waiting on the vendor, not failed
    await proxy.up();

    let done = await get();
    for (let i = 0; i < 600 && ['queued', 'running'].includes(done.status); i++) {
      await sleep(200);
      done = await get();
    }
    expect(done.status).toBe('succeeded');
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(OUTAGE_MS);

    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ resource_type: string; n: string; ids: string }>(
        `SELECT resource_type, count(*) AS n, count(DISTINCT external_id) AS ids FROM records WHERE integration_id = $1 AND deleted_at IS NULL GROUP BY resource_type ORDER BY resource_type`,
        [integrationId]);
      expect(rows.map((r) => r.resource_type)).toEqual(['documents', 'patients']);
      for (const r of rows) {
        expect(Number(r.n)).toBe(Number(r.ids));
        expect(Number(r.n)).toBe(done.progress[r.resource_type].stored);
      }
    } finally {
      await pg.end();
    }
    // Every patient's documents were listed once the link was back: as many /documents lists answered 200 as patients stored.
    const lists = app.app.get(OpenDentalApiSandbox).requests(CUSTOMER).filter((r) => r.path.endsWith('/documents') && r.status === 200).length;
    expect(lists).toBeGreaterThanOrEqual(done.progress.patients.stored);
  });
});
