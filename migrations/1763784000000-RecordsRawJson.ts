import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `records.raw` becomes `json`: the source row is kept verbatim for display and audit, never
 * queried by field, and `json` stores the text after a validity check instead of parsing it into
 * jsonb (measured: the jsonb parse of ~2 KB OpenDental rows dominated bulk inserts). It also keeps
 * the source's column order. Large values use lz4 where the server supports it.
 */
export class RecordsRawJson1763784000000 implements MigrationInterface {
  name = 'RecordsRawJson1763784000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE records ALTER COLUMN raw TYPE json USING raw::json');
    await q.query(`
      DO $$ BEGIN
        ALTER TABLE records ALTER COLUMN raw SET COMPRESSION lz4;
        ALTER TABLE records ALTER COLUMN data SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
        RAISE NOTICE 'lz4 not available; keeping pglz';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE records ALTER COLUMN raw TYPE jsonb USING raw::jsonb');
  }
}
