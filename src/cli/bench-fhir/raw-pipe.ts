import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';

/** Basic-auth token request at the sandbox tenant; returns the bearer token. */
export async function sandboxToken(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST', body: 'grant_type=client_credentials',
    headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The NDJSON file URLs of one system-level export of `types` (kick-off, poll, manifest). */
export async function exportFiles(base: string, token: string, types: string[]): Promise<string[]> {
  const auth = { Authorization: `Bearer ${token}` };
  const kick = await fetch(`${base}/$export?_type=${types.join(',')}`, { headers: { ...auth, Prefer: 'respond-async', Accept: 'application/fhir+json' } });
  const status = kick.headers.get('content-location')!;
  for (;;) {
    const res = await fetch(status, { headers: auth });
    if (res.status === 200) return ((await res.json()) as { output: Array<{ url: string }> }).output.map((o) => o.url);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The raw limit: every NDJSON file streamed straight into `psql COPY` (one line = one row of a
 * text column; CSV mode with control characters as quote and delimiter keeps JSON verbatim),
 * with no parsing, mapping or upsert. Returns rows loaded and seconds.
 */
export async function rawPipe(urls: string[], token: string, databaseUrl: string): Promise<{ rows: number; seconds: number }> {
  execFileSync('psql', [databaseUrl, '-qc', 'SET client_min_messages = warning; DROP TABLE IF EXISTS bench_raw_fhir; CREATE UNLOGGED TABLE bench_raw_fhir (doc text)']);
  const started = process.hrtime.bigint();
  const psql = spawn('psql', [databaseUrl, '-q', '-c', "COPY bench_raw_fhir (doc) FROM STDIN (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`)))));
  for (const url of urls) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    for await (const chunk of body) if (!psql.stdin.write(chunk)) await new Promise((r) => psql.stdin.once('drain', r));
  }
  psql.stdin.end();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = Number(execFileSync('psql', [databaseUrl, '-tAc', 'SELECT count(*) FROM bench_raw_fhir']).toString().trim());
  execFileSync('psql', [databaseUrl, '-qc', 'DROP TABLE bench_raw_fhir']);
  return { rows, seconds };
}
