import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { Pool } from 'pg';
import { standardWebhooksKeyOf } from './delivery';

/** The limit the product is compared with: a bare `http` server, the same verification, one INSERT. */
export interface Baseline {
  url: string;
  table: string;
  /** Rows in the throwaway table. */
  count(): Promise<number>;
  /** Stops the server, drops the table, ends the pool. */
  close(): Promise<void>;
}

const TOLERANCE_SECONDS = 300;
const BODY_LIMIT_BYTES = 1024 * 1024;

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

/**
 * Standard Webhooks v1, as the product checks it: visible-ASCII id, 1–10 digit timestamp within
 * ±300 s, any `v1,` entry equal in constant time to HMAC-SHA256(key, `{id}.{ts}.{body}`).
 * Returns the delivery id, or null when the delivery must be refused.
 */
export function verifyStandardWebhook(headers: IncomingHttpHeaders, body: Buffer, key: Buffer): string | null {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (id === null || timestamp === null || signature === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(id) || !/^\d{1,10}$/.test(timestamp)) return null;
  if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > TOLERANCE_SECONDS) return null;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  let match = false;
  for (const entry of signature.split(' ')) {
    if (!entry.startsWith('v1,')) continue;
    const offered = Buffer.from(entry.slice(3), 'base64');
    match = (offered.length === expected.length && timingSafeEqual(offered, expected)) || match;
  }
  return match ? id : null;
}

/**
 * Starts the baseline on 127.0.0.1 (random port) with a pg Pool of `poolSize` (the app's TypeORM
 * pool is 10) and a throwaway logged table with the same unique delivery key as webhook_deliveries.
 * `POST /baseline/webhooks`: 401 when verification fails, 202 stored, 200 replay, 413 above 1 MB.
 */
export async function startBaseline(options: { databaseUrl: string; secret: string; poolSize?: number }): Promise<Baseline> {
  const key = standardWebhooksKeyOf(options.secret);
  const table = `bench_webhooks_baseline_${process.pid}`;
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, application_name: 'bench-webhooks-baseline' });
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (
    id uuid PRIMARY KEY, delivery_id varchar(255) NOT NULL UNIQUE, payload bytea NOT NULL, received_at timestamptz NOT NULL)`);
  const insert = `INSERT INTO ${table} (id, delivery_id, payload, received_at) VALUES ($1, $2, $3, now()) ON CONFLICT (delivery_id) DO NOTHING RETURNING id`;

  const answer = (res: import('node:http').ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/baseline/webhooks') return answer(res, 404, '{"error":"not found"}');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        answer(res, 413, '{"error":"too large"}');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const deliveryId = verifyStandardWebhook(req.headers, body, key);
      if (!deliveryId) return answer(res, 401, '{"error":"unauthorized"}');
      pool.query(insert, [randomUUID(), deliveryId, body]).then(
        (r) => answer(res, r.rowCount ? 202 : 200, `{"received":true,"duplicate":${r.rowCount ? 'false' : 'true'}}`),
        () => answer(res, 500, '{"error":"internal"}'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/baseline/webhooks`,
    table,
    count: async () => Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    },
  };
}
