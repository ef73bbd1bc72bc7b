import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** The BUILT app running as a child process (`node dist/src/main.js`), as production runs it. */
export interface SpawnedServer {
  port: number;
  /** `http://127.0.0.1:<port>`: pass it to supertest (`request(server.baseUrl)`). */
  baseUrl: string;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and resolves when the child has exited. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Resolves once the child has exited AND its stdout/stderr are fully read ('close', not 'exit'). */
function closed(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/**
 * Starts `node dist/src/main.js` on a free port with the test database and Redis of
 * test/setup-env.ts (`DATABASE_URL`, `REDIS_URL`) and `LOG_LEVEL=debug` so every log line is
 * written, collects ALL of its stdout and stderr, and waits until `GET /health` answers 200.
 * Build first: `npx tsc -p tsconfig.build.json`.
 * @throws Error (with the child's output) when the build is missing, the child exits, or /health never answers.
 */
export async function startServer(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<SpawnedServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the app first (npx tsc -p tsconfig.build.json)`);
  const port = await freePort();
  const chunks: Buffer[] = [];
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = closed(child);
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async (stopTimeoutMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not exit within ${stopTimeoutMs} ms of SIGTERM; output:\n${output()}`));
      }, stopTimeoutMs);
    });
    try {
      return await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during start-up (code ${child.exitCode}, signal ${child.signalCode}); output:\n${output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop().catch(() => undefined);
      throw new Error(`server did not answer /health within ${timeoutMs} ms; output:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, baseUrl, output, stop };
}
