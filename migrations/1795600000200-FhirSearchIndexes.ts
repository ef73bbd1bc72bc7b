import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the FHIR R4 read API's searches (docs/fhir-api.md), all partial on live records
 * (`deleted_at IS NULL`: deleted records never appear in a search):
 * - `fhir_fold(text)`: lower case with Latin accents removed, so `family=muller` finds "Müller"
 *   (FHIR string search is case- and accent-insensitive, http://hl7.org/fhir/R4/search.html#string).
 *   The API folds the searched value with the same table (src/modules/fhir/search/fold.ts).
 * - patients: folded family and first given name of the first (official) name, and
 *   `data->>'birthDate'` (`yyyy-MM-dd` sorts as text), each as (organization, key COLLATE "C", id):
 *   the C collation lets LIKE 'prefix%' use the index, and a search on one of them pages by
 *   (key, id) straight down the index, so a deep page costs what the first does.
 * - every resource: `data->'identifiers'` (GIN, jsonb_path_ops) for `identifier=system|value`.
 * - appointments: `starts_at` for `date=`, and `data->'participants'` (GIN) for
 *   `practitioner=` and `location=`.
 */
export class FhirSearchIndexes1795600000200 implements MigrationInterface {
  name = 'FhirSearchIndexes1795600000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION fhir_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT translate(lower(value),
          'àáâãäåāăąçćčďèéêëēėęěìíîïīįľłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿžźż',
          'aaaaaaaaacccdeeeeeeeeiiiiiillnnnoooooooorrssstuuuuuuuuyyzzz')
      $$`);
    const live = `deleted_at IS NULL`;
    await q.query(`CREATE INDEX ix_records_fhir_family ON records (organization_id, (fhir_fold(data #>> '{names,0,family}') COLLATE "C"), id)
      WHERE resource_type = 'patients' AND ${live}`);
    await q.query(`CREATE INDEX ix_records_fhir_given ON records (organization_id, (fhir_fold(data #>> '{names,0,given,0}') COLLATE "C"), id)
      WHERE resource_type = 'patients' AND ${live}`);
    await q.query(`CREATE INDEX ix_records_fhir_birthdate ON records (organization_id, ((data ->> 'birthDate') COLLATE "C"), id)
      WHERE resource_type = 'patients' AND ${live}`);
    await q.query(`CREATE INDEX ix_records_fhir_identifiers ON records USING gin ((data -> 'identifiers') jsonb_path_ops) WHERE ${live}`);
    await q.query(`CREATE INDEX ix_records_fhir_starts ON records (organization_id, starts_at, id) WHERE resource_type = 'appointments' AND ${live}`);
    await q.query(`CREATE INDEX ix_records_fhir_participants ON records USING gin ((data -> 'participants') jsonb_path_ops)
      WHERE resource_type = 'appointments' AND ${live}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const ix of ['participants', 'starts', 'identifiers', 'birthdate', 'given', 'family']) {
      await q.query(`DROP INDEX IF EXISTS ix_records_fhir_${ix}`);
    }
    await q.query('DROP FUNCTION IF EXISTS fhir_fold(text)');
  }
}
