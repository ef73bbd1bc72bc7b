import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi, createApp } from '../bootstrap';

/**
 * Writes openapi/openapi.json from the app's decorators by booting it without listening
 * (`npm run openapi`); with `--check`, exits 1 when the committed file is stale.
 */
async function main(): Promise<void> {
  process.env.APP_ROLE = 'api';
  const app = await createApp({ logger: false });
  await app.init();
  const doc = `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  await app.close();
  const file = join(process.cwd(), 'openapi', 'openapi.json');
  if (process.argv.includes('--check')) {
    const committed = (() => { try { return readFileSync(file, 'utf8'); } catch { return ''; } })();
    if (committed !== doc) {
      process.stderr.write('openapi/openapi.json is stale: run `npm run openapi` and commit the result\n');
      process.exit(1);
    }
    process.stdout.write('openapi/openapi.json is up to date\n');
    return;
  }
  mkdirSync(join(process.cwd(), 'openapi'), { recursive: true });
  writeFileSync(file, doc);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`openapi failed: ${error.message}\n`);
  process.exit(1);
});
