import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local edits (docs/conflicts.md): `records.local_data` holds, per edited top-level canonical
 * field, `{ value, base, baseAt, editedAt, editedBy }` (`base` = the source value the edit
 * started from). `records_effective_data(data, local_data)` is the record as the API serves it:
 * the source `data` with every local `value` laid over it. Lists and the FHIR API select it in
 * SQL, so no row is merged in JavaScript; for a record without edits it returns `data` as is.
 */
export class RecordLocalEdits1795800000100 implements MigrationInterface {
  name = 'RecordLocalEdits1795800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION records_effective_data(data jsonb, local_data jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN local_data IS NULL OR local_data = '{}'::jsonb THEN data
                    ELSE data || (SELECT jsonb_object_agg(e.key, e.value -> 'value') FROM jsonb_each(local_data) e) END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION records_effective_data(jsonb, jsonb)');
  }
}
