import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The spine: organizations, API keys, append-only audit events, integrations with encrypted
 * credentials, sync jobs with per-record errors and per-resource sync state, and one
 * records table for every canonical resource (patients, appointments, providers, locations…).
 *
 * Records keep source values (`data`, `raw`) apart from local edits (`local_data`), with a
 * `version` and a keyed `content_hash` so unchanged rows are never rewritten and later
 * conflict detection can compare source and local values field by field.
 */
export class InitialSchema1763776800000 implements MigrationInterface {
  name = 'InitialSchema1763776800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        prefix varchar(32) NOT NULL,
        key_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT uq_api_keys_prefix UNIQUE (prefix)
      )`);
    await q.query(`CREATE INDEX ix_api_keys_organization ON api_keys (organization_id, created_at)`);

    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
        actor_type varchar(20) NOT NULL,
        actor_id varchar(64),
        action varchar(80) NOT NULL,
        target_type varchar(40),
        target_id varchar(64),
        outcome varchar(20) NOT NULL,
        request_id varchar(128),
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX ix_audit_events_org_seq ON audit_events (organization_id, seq)`);
    await q.query(`CREATE INDEX ix_audit_events_target ON audit_events (organization_id, target_id)`);
    // Append-only: updates are refused; deletes only happen through the organization cascade.
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_audit_events_no_update BEFORE UPDATE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);

    await q.query(`
      CREATE TABLE integrations (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        vendor varchar(50) NOT NULL,
        name varchar(200) NOT NULL,
        environment varchar(20) NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        credentials_provider varchar(30) NOT NULL DEFAULT 'local',
        credentials_ciphertext bytea,
        credential_fields text[] NOT NULL DEFAULT '{}',
        sync_schedule varchar(120),
        health_status varchar(20) NOT NULL DEFAULT 'unknown',
        last_tested_at timestamptz,
        last_error varchar(500),
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_integrations_environment CHECK (environment IN ('sandbox', 'production'))
      )`);
    await q.query(`CREATE INDEX ix_integrations_organization ON integrations (organization_id, created_at, id)`);

    await q.query(`
      CREATE TABLE sync_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        mode varchar(20) NOT NULL,
        trigger varchar(20) NOT NULL DEFAULT 'api',
        resources text[] NOT NULL,
        record_limit integer,
        status varchar(30) NOT NULL DEFAULT 'queued',
        progress jsonb NOT NULL DEFAULT '{}'::jsonb,
        attempts integer NOT NULL DEFAULT 0,
        error_code varchar(60),
        error_message varchar(500),
        retry_of uuid REFERENCES sync_jobs(id) ON DELETE SET NULL,
        cancel_requested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_sync_jobs_mode CHECK (mode IN ('full', 'incremental')),
        CONSTRAINT ck_sync_jobs_status CHECK (status IN ('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled'))
      )`);
    await q.query(`CREATE INDEX ix_sync_jobs_org_created ON sync_jobs (organization_id, created_at DESC, id DESC)`);
    // At most one active job per integration: the database, not a race-prone check, says "already syncing".
    await q.query(`CREATE UNIQUE INDEX uq_sync_jobs_active ON sync_jobs (integration_id) WHERE status IN ('queued', 'running')`);

    await q.query(`
      CREATE TABLE sync_job_errors (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES sync_jobs(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL,
        resource varchar(40) NOT NULL,
        external_id varchar(100),
        kind varchar(10) NOT NULL,
        code varchar(60) NOT NULL,
        message varchar(500) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_sync_job_errors_job ON sync_job_errors (job_id, id)`);

    await q.query(`
      CREATE TABLE sync_states (
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        resource varchar(40) NOT NULL,
        checkpoint jsonb,
        in_full_pass boolean NOT NULL DEFAULT false,
        last_job_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (integration_id, resource)
      )`);

    await q.query(`
      CREATE TABLE records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        resource_type varchar(40) NOT NULL,
        external_id varchar(100) NOT NULL,
        data jsonb NOT NULL,
        raw jsonb,
        local_data jsonb,
        sensitive_ciphertext bytea,
        content_hash char(64) NOT NULL,
        version integer NOT NULL DEFAULT 1,
        patient_external_id varchar(100),
        patient_id uuid,
        search_text text,
        birth_date date,
        starts_at timestamptz,
        status varchar(40),
        source_updated_at varchar(40),
        deleted_at timestamptz,
        last_synced_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_records_source UNIQUE (integration_id, resource_type, external_id)
      )`);
    await q.query(`CREATE INDEX ix_records_org_type_id ON records (organization_id, resource_type, id)`);
    await q.query(`CREATE INDEX ix_records_org_type_updated ON records (organization_id, resource_type, updated_at, id)`);
    await q.query(`CREATE INDEX ix_records_patient ON records (patient_id) WHERE patient_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['records', 'sync_states', 'sync_job_errors', 'sync_jobs', 'integrations', 'audit_events', 'api_keys', 'organizations']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_events_append_only()`);
  }
}
