import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence for `audit_events` (45 CFR 164.312(b) audit controls): each organization's
 * events form a hash chain. A BEFORE INSERT trigger, holding a per-organization advisory lock
 * until commit, gives the event the next `chain_seq` of its organization (admin events, with no
 * organization, form one chain of their own), stores the previous event's hash in `prev_hash`
 * and `hash = sha256(prev_hash || the event's fields)` computed by `audit_event_hash`, the same
 * function `GET /api/v1/audit-events/verify` recomputes. Existing events are chained in `seq` order.
 */
export class AuditHashChain1795600000010 implements MigrationInterface {
  name = 'AuditHashChain1795600000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN chain_seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea`);
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
    // Chain the events already stored, per organization, in seq order (the trigger is not there yet).
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER tr_audit_events_no_update`);
    await q.query(`
      UPDATE audit_events e SET chain_seq = n.rn
        FROM (SELECT id, row_number() OVER (PARTITION BY organization_id ORDER BY seq) AS rn FROM audit_events) n
       WHERE e.id = n.id`);
    await q.query(`
      DO $$
      DECLARE r audit_events; prev bytea; last_org uuid; first boolean := true;
      BEGIN
        FOR r IN SELECT * FROM audit_events ORDER BY organization_id NULLS FIRST, chain_seq LOOP
          IF first OR r.organization_id IS DISTINCT FROM last_org THEN prev := NULL; END IF;
          first := false;
          UPDATE audit_events SET prev_hash = prev, hash = audit_event_hash(prev, r) WHERE id = r.id;
          prev := audit_event_hash(prev, r);
          last_org := r.organization_id;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE audit_events ENABLE TRIGGER tr_audit_events_no_update`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX ix_audit_events_chain ON audit_events (organization_id, chain_seq)`);
    await q.query(`CREATE UNIQUE INDEX ix_audit_events_chain_admin ON audit_events (chain_seq) WHERE organization_id IS NULL`);
    await q.query(`
      CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE last audit_events;
      BEGIN
        -- One writer per organization at a time, until commit: the chain follows commit order.
        PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || coalesce(NEW.organization_id::text, 'admin'), 0));
        SELECT * INTO last FROM audit_events
         WHERE organization_id IS NOT DISTINCT FROM NEW.organization_id
         ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
        NEW.prev_hash := last.hash;
        NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER tr_audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_audit_events_chain ON audit_events`);
    await q.query(`DROP FUNCTION audit_events_chain()`);
    await q.query(`DROP INDEX ix_audit_events_chain_admin`);
    await q.query(`DROP INDEX ix_audit_events_chain`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN hash`);
    await q.query(`DROP FUNCTION audit_event_hash(bytea, audit_events)`);
  }
}
