import 'reflect-metadata';
import { Pool } from 'pg';
import { Cipher, deriveKey } from '../common/crypto';
import { loadEnv } from '../config/env';
import { RecordRederiver } from '../modules/records/record-rederiver';
import { RecordWriter } from '../modules/records/record-writer';
import { RECORD_REDERIVERS } from '../providers/record-rederivers';

/**
 * `npm run records:rederive [-- --organization <uuid>] [-- --integration <uuid>]`: rewrites the
 * stored records' `data` into the current canonical shape from their `raw` rows, with the
 * vendors' current mappers and each integration's config; no vendor is contacted. Safe to run
 * while syncs run (one transaction per batch of 1,000) and to run again (it rewrites only what
 * differs). Prints the counts. See docs/canonical-model.md.
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const pool = new Pool({ connectionString: env.databaseUrl, max: 2, application_name: 'ehr-sync-hub-rederive' });
  try {
    const writer = new RecordWriter(deriveKey(env.encryptionKey, 'record-content-hash'), new Cipher(deriveKey(env.encryptionKey, 'record-sensitive')));
    const rederiver = new RecordRederiver(writer, new Cipher(deriveKey(env.encryptionKey, 'record-sensitive')), RECORD_REDERIVERS);
    const started = Date.now();
    const counts = await rederiver.run(pool, { organizationId: arg('organization'), integrationId: arg('integration') });
    process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`rederive failed: ${error.message}\n`);
  process.exit(1);
});
