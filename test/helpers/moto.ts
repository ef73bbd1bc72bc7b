import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from './process';

/** A moto_server (AWS emulator) child process on a loopback port. */
export interface Moto {
  port: number;
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  endpoint: string;
  /** Everything moto wrote so far (its request log). */
  output(): string;
  /** Stops the child (SIGTERM, then SIGKILL after 5 s) and resolves when it has exited. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(timeoutMs: number): Promise<Moto | null> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw new Error(`moto_server could not be started: ${(spawnError as Error).message}`);
    if (child.exitCode !== null) return null; // most likely the port was taken meanwhile: try another
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return { port, endpoint, output: () => output, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers. Point the AWS SDK
 * at `endpoint` (any region, any access keys). Call `stop()` when done.
 */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const moto = await startOnce(timeoutMs);
    if (moto) return moto;
  }
  throw new Error('moto_server exited at start three times');
}
