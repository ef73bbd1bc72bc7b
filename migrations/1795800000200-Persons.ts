import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One person across sources (docs/persons.md):
 * - `persons`: one row per person of an organization; every patient record belongs to one.
 * - `person_links`: a patient record's person (one per record), with the `method` that put it
 *   there (`auto` by the matcher, `manual` by a review decision or a split, `migrated` from the
 *   exact-match links), the match `score` (bits) and the per-field `explanation`.
 *   A `manual` link is never moved by a sync.
 * - `person_blocking_keys`: the matcher's blocking keys of each patient record, hashed
 *   (src/modules/persons/matching/blocking.ts), so a batch finds its candidates with index probes. Records stored before this change get theirs from `npm run records:rederive`.
 * - `person_match_candidates`: pairs scored between the review and the auto-link thresholds
 *   (and pairs a person decided), `record_a < record_b`; `status` open | match | non_match.
 *   A `non_match` keeps the two records apart on every later sync.
 * Today's links (`records.linked_patient_id`) become persons: each root and the records linked
 * to it share one person (`migrated`); every other patient gets a person of its own.
 */
/**
 * Today's links become persons: a root (a patient that is not linked) and every record linked to
 * it form one person, `migrated`, in one statement. Patients that already have a person are left
 * alone, so the statement is idempotent (test/integration/persons-migration.spec.ts runs it again).
 */
export const MIGRATE_EXACT_LINKS = `WITH roots AS (
    SELECT r.id AS root_id, r.organization_id, gen_random_uuid() AS person_id
      FROM records r
     WHERE r.resource_type = 'patients' AND r.linked_patient_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM person_links pl WHERE pl.record_id = r.id)
  ), made AS (
    INSERT INTO persons (id, organization_id) SELECT person_id, organization_id FROM roots
  ), root_links AS (
    INSERT INTO person_links (record_id, person_id, organization_id, method)
    SELECT root_id, person_id, organization_id, 'migrated' FROM roots
  )
  INSERT INTO person_links (record_id, person_id, organization_id, method, explanation)
  SELECT r.id, roots.person_id, r.organization_id, 'migrated', jsonb_build_object('reason', r.link_reason)
    FROM records r JOIN roots ON roots.root_id = r.linked_patient_id
   WHERE r.resource_type = 'patients' AND NOT EXISTS (SELECT 1 FROM person_links pl WHERE pl.record_id = r.id)`;

export class Persons1795800000200 implements MigrationInterface {
  name = 'Persons1795800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE persons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX ix_persons_organization ON persons (organization_id, id)');
    await q.query(`CREATE TABLE person_links (
      record_id uuid PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      method varchar(20) NOT NULL CONSTRAINT ck_person_links_method CHECK (method IN ('auto', 'manual', 'migrated')),
      score real,
      explanation jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX ix_person_links_person ON person_links (person_id)');
    // `key` is the first 8 bytes of SHA-256 of the blocking key (`dob:1970-05-06`…): no name,
    // phone or date in clear, and a fixed-width index (a collision only adds a candidate pair,
    // which the scorer rejects). integration_id lets a probe skip the batch's own source inside
    // the index, and its cascade removes the keys with the integration (and its organization).
    // No foreign key on record_id: each check would lock the referenced records row, the
    // dearest part of a batch's key insert; records are soft-deleted, and a key whose record is
    // gone only yields a candidate the probe's join to records drops.
    await q.query(`CREATE TABLE person_blocking_keys (
      organization_id uuid NOT NULL,
      key bigint NOT NULL,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      record_id uuid NOT NULL,
      PRIMARY KEY (organization_id, key, integration_id, record_id)
    )`);
    await q.query('CREATE INDEX ix_person_blocking_keys_record ON person_blocking_keys (record_id)');
    await q.query(`CREATE TABLE person_match_candidates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      record_a uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
      record_b uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
      score real NOT NULL,
      field_scores jsonb NOT NULL,
      status varchar(20) NOT NULL DEFAULT 'open' CONSTRAINT ck_person_match_candidates_status CHECK (status IN ('open', 'match', 'non_match')),
      decided_by varchar(64),
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_person_match_candidates_order CHECK (record_a < record_b),
      CONSTRAINT uq_person_match_candidates_pair UNIQUE (organization_id, record_a, record_b)
    )`);
    await q.query(`CREATE INDEX ix_person_match_candidates_open ON person_match_candidates (organization_id, score DESC, id) WHERE status = 'open'`);
    await q.query('CREATE INDEX ix_person_match_candidates_b ON person_match_candidates (record_b)');

    await q.query(MIGRATE_EXACT_LINKS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE person_match_candidates');
    await q.query('DROP TABLE person_blocking_keys');
    await q.query('DROP TABLE person_links');
    await q.query('DROP TABLE persons');
  }
}
