import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './process';

/** A throwaway PostgreSQL cluster of the test's own (initdb + pg_ctl on a free loopback port), never the machine's. */
export interface OwnPostgres {
  port: number;
  /** URL of database `hub` on it, owned by `postgres` (trust auth on loopback). */
  url: string;
  /** `pg_ctl stop -m immediate`: every connection drops at once, as in a crash. */
  stop(): void;
  start(): Promise<void>;
  /** Stops the cluster and deletes its directory. */
  destroy(): void;
}

/** The directory of the machine's PostgreSQL binaries (`pg_config --bindir`). */
function binDir(): string {
  return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

/** initdb refuses to run as root: run the cluster as the `postgres` system user when we are root. */
function clusterUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function waitForConnect(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not accept connections`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Creates and starts a private cluster (fsync off: it is thrown away) with a database `hub`.
 * @throws when initdb or pg_ctl fail (their output is in the message).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'ehr-hub-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const run = (cmd: string, args: string[]) => {
    const res = spawnSync(join(bin, cmd), args, { encoding: 'utf8', ...(user ?? {}), cwd: dir });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`);
  };
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const own: OwnPostgres = {
    port,
    url: `${base}/hub`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    async start() {
      run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      await waitForConnect(`${base}/postgres`);
    },
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE hub');
  await admin.end();
  return own;
}
