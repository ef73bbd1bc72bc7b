import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = 'id, seq, organization_id, actor_type, actor_id, action, target_type, target_id, outcome, request_id, details, created_at, chain_seq, prev_hash, hash';

/**
 * `audit_events` partitioned by month of `created_at` (docs/operations.md "Audit retention"), so
 * events older than `AUDIT_RETENTION_DAYS` are dropped a whole partition at a time: no DELETE of
 * an append-only table, no bloat. Partitions are named `audit_events_pYYYYMM`; this migration
 * creates those from the oldest stored event's month to three months ahead, and the audit
 * maintenance run (src/modules/audit/audit-partitions.ts) keeps months ahead and drops old ones.
 * `audit_events_default` catches a row outside every month (maintenance stopped for months); the
 * next run moves such rows into their month.
 *
 * A partitioned table's unique indexes must hold the partition key, so the key is
 * `(id, created_at)` and the chain indexes are plain: the insert trigger's per-organization
 * advisory lock is what makes `chain_seq` unique, and `GET /audit-events/verify` checks it.
 * Events keep their `chain_seq`, `prev_hash` and `hash` as stored (the chain trigger is created
 * after the copy); `audit_event_hash` is recreated for the new row type with the same body.
 *
 * `audit_chain_heads`: the last `chain_seq` and hash of each chain, which the insert trigger now
 * reads and moves instead of searching for the newest event: over 77 monthly partitions that
 * search probed every partition (2 ms an insert, 10.5 s for 5,000 events); the head is one row.
 *
 * `audit_chain_anchors`: where each chain starts after partitions were dropped: the first
 * `chain_seq` still to be verified and the hash of the last dropped event before it.
 */
export class AuditEventsPartitioned1795800000410 implements MigrationInterface {
  name = 'AuditEventsPartitioned1795800000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_events RENAME TO audit_events_unpartitioned');
    await q.query('DROP TRIGGER tr_audit_events_chain ON audit_events_unpartitioned');
    await q.query('DROP TRIGGER tr_audit_events_no_update ON audit_events_unpartitioned');
    await q.query('DROP INDEX ix_audit_events_org_seq, ix_audit_events_target, ix_audit_events_chain, ix_audit_events_chain_admin');
    await q.query('ALTER TABLE audit_events_unpartitioned RENAME CONSTRAINT audit_events_pkey TO audit_events_unpartitioned_pkey');
    await q.query(`
      CREATE TABLE audit_events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        seq bigint NOT NULL DEFAULT nextval('audit_events_seq_seq'),
        organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
        actor_type varchar(20) NOT NULL,
        actor_id varchar(64),
        action varchar(80) NOT NULL,
        target_type varchar(40),
        target_id varchar(64),
        outcome varchar(20) NOT NULL,
        request_id varchar(128),
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        chain_seq bigint NOT NULL,
        prev_hash bytea,
        hash bytea NOT NULL,
        CONSTRAINT audit_events_pkey PRIMARY KEY (id, created_at)
      ) PARTITION BY RANGE (created_at)`);
    await q.query('ALTER SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq');
    await q.query(`
      DO $$
      DECLARE m date := date_trunc('month', coalesce((SELECT min(created_at) FROM audit_events_unpartitioned), now()) AT TIME ZONE 'UTC')::date;
      BEGIN
        WHILE m <= (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months')::date LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
            'audit_events_p' || to_char(m, 'YYYYMM'), (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
    await q.query('CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT');
    await q.query(`INSERT INTO audit_events (${COLUMNS}) SELECT ${COLUMNS} FROM audit_events_unpartitioned ORDER BY seq`);
    await q.query('CREATE INDEX ix_audit_events_org_seq ON audit_events (organization_id, seq)');
    await q.query('CREATE INDEX ix_audit_events_target ON audit_events (organization_id, target_id)');
    await q.query('CREATE INDEX ix_audit_events_chain ON audit_events (organization_id, chain_seq)');
    await q.query('CREATE INDEX ix_audit_events_chain_admin ON audit_events (chain_seq) WHERE organization_id IS NULL');
    // The hash function takes the row type: recreated for the new table, with the same body.
    await q.query(`
      CREATE FUNCTION audit_event_hash(prev bytea, e audit_events) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
        SELECT digest(
          coalesce(encode(prev, 'hex'), '') || '|' || e.id::text || '|' || coalesce(e.organization_id::text, '') || '|' ||
          e.chain_seq::text || '|' || e.actor_type || '|' || coalesce(e.actor_id, '') || '|' || e.action || '|' ||
          coalesce(e.target_type, '') || '|' || coalesce(e.target_id, '') || '|' || e.outcome || '|' ||
          coalesce(e.request_id, '') || '|' || e.details::text || '|' ||
          (extract(epoch FROM e.created_at) * 1000000)::bigint::text,
          'sha256')
      $$`);
    await q.query('DROP FUNCTION audit_event_hash(bytea, audit_events_unpartitioned)');
    await q.query('DROP TABLE audit_events_unpartitioned');
    await q.query('CREATE TABLE audit_chain_heads (chain_key text PRIMARY KEY, chain_seq bigint NOT NULL, hash bytea NOT NULL)');
    await q.query(`INSERT INTO audit_chain_heads (chain_key, chain_seq, hash)
      SELECT DISTINCT ON (organization_id) coalesce(organization_id::text, 'admin'), chain_seq, hash FROM audit_events ORDER BY organization_id, chain_seq DESC`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE k text := coalesce(NEW.organization_id::text, 'admin'); last_seq bigint; last_hash bytea;
      BEGIN
        -- One writer per organization at a time, until commit: the chain follows commit order.
        PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || k, 0));
        SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_chain_heads WHERE chain_key = k;
        NEW.chain_seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
        INSERT INTO audit_chain_heads (chain_key, chain_seq, hash) VALUES (k, NEW.chain_seq, NEW.hash)
          ON CONFLICT (chain_key) DO UPDATE SET chain_seq = EXCLUDED.chain_seq, hash = EXCLUDED.hash;
        RETURN NEW;
      END $$`);
    await q.query('CREATE TRIGGER tr_audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()');
    await q.query('CREATE TRIGGER tr_audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()');
    await q.query(`
      CREATE TABLE audit_chain_anchors (
        chain_key text PRIMARY KEY,
        organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
        chain_seq bigint NOT NULL,
        prev_hash bytea NOT NULL,
        partition_name text NOT NULL,
        dropped_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_chain_anchors');
    // The trigger of migration AuditHashChain, which finds the newest event itself.
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE last audit_events;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || coalesce(NEW.organization_id::text, 'admin'), 0));
        SELECT * INTO last FROM audit_events
         WHERE organization_id IS NOT DISTINCT FROM NEW.organization_id
         ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
        NEW.prev_hash := last.hash;
        NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
        RETURN NEW;
      END $$`);
    await q.query('DROP TABLE audit_chain_heads');
    await q.query('ALTER TABLE audit_events RENAME TO audit_events_partitioned');
    await q.query('DROP TRIGGER tr_audit_events_chain ON audit_events_partitioned');
    await q.query('DROP TRIGGER tr_audit_events_no_update ON audit_events_partitioned');
    await q.query('DROP INDEX ix_audit_events_org_seq, ix_audit_events_target, ix_audit_events_chain, ix_audit_events_chain_admin');
    await q.query('ALTER TABLE audit_events_partitioned RENAME CONSTRAINT audit_events_pkey TO audit_events_partitioned_pkey');
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint NOT NULL DEFAULT nextval('audit_events_seq_seq'),
        organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
        actor_type varchar(20) NOT NULL, actor_id varchar(64), action varchar(80) NOT NULL,
        target_type varchar(40), target_id varchar(64), outcome varchar(20) NOT NULL, request_id varchar(128),
        details jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now(),
        chain_seq bigint NOT NULL, prev_hash bytea, hash bytea NOT NULL
      )`);
    await q.query('ALTER SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq');
    await q.query(`INSERT INTO audit_events (${COLUMNS}) SELECT ${COLUMNS} FROM audit_events_partitioned ORDER BY seq`);
    await q.query(`
      CREATE FUNCTION audit_event_hash(prev bytea, e audit_events) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
        SELECT digest(
          coalesce(encode(prev, 'hex'), '') || '|' || e.id::text || '|' || coalesce(e.organization_id::text, '') || '|' ||
          e.chain_seq::text || '|' || e.actor_type || '|' || coalesce(e.actor_id, '') || '|' || e.action || '|' ||
          coalesce(e.target_type, '') || '|' || coalesce(e.target_id, '') || '|' || e.outcome || '|' ||
          coalesce(e.request_id, '') || '|' || e.details::text || '|' ||
          (extract(epoch FROM e.created_at) * 1000000)::bigint::text,
          'sha256')
      $$`);
    await q.query('DROP FUNCTION audit_event_hash(bytea, audit_events_partitioned)');
    await q.query('DROP TABLE audit_events_partitioned');
    await q.query('CREATE UNIQUE INDEX ix_audit_events_org_seq ON audit_events (organization_id, seq)');
    await q.query('CREATE INDEX ix_audit_events_target ON audit_events (organization_id, target_id)');
    await q.query('CREATE UNIQUE INDEX ix_audit_events_chain ON audit_events (organization_id, chain_seq)');
    await q.query('CREATE UNIQUE INDEX ix_audit_events_chain_admin ON audit_events (chain_seq) WHERE organization_id IS NULL');
    await q.query('CREATE TRIGGER tr_audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()');
    await q.query('CREATE TRIGGER tr_audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()');
  }
}
