/** Every BullMQ queue of the app. Job data carries ids only: never PHI, never secrets. */
export enum QueueName {
  SYNC_JOBS = 'sync-jobs',
  ACTIONS = 'actions',
  /** Accepted inbound webhook deliveries (job data: the delivery row id). */
  WEBHOOK_PROCESSING = 'webhook-processing',
  /** Timed work: cron-driven sync ticks and periodic health checks (BullMQ job schedulers). */
  SCHEDULES = 'schedules',
  /** Re-applying an integration's transformation rules to stored records (job data: the transformation_runs row id). */
  DATA_TRANSFORMATION = 'data-transformation',
  /** Applying the conflict policy to an integration's newly detected conflicts (job data: the integration id). */
  CONFLICT_RESOLUTION = 'conflict-resolution',
}

/** Job names; start-up fails if one has no processor (see JobProcessors in job-processors.ts). */
export enum JobName {
  RUN_SYNC = 'run-sync',
  RUN_ACTION = 'run-action',
  PROCESS_WEBHOOK = 'process-webhook',
  SCHEDULE_TICK = 'schedule-tick',
  HEALTH_CHECK = 'health-check',
  REAPPLY_TRANSFORMATIONS = 'reapply-transformations',
  RESOLVE_CONFLICTS = 'resolve-conflicts',
}

/** The queue each job name is added to and processed from. */
export const JOB_QUEUES: Readonly<Record<JobName, QueueName>> = {
  [JobName.RUN_SYNC]: QueueName.SYNC_JOBS,
  [JobName.RUN_ACTION]: QueueName.ACTIONS,
  [JobName.PROCESS_WEBHOOK]: QueueName.WEBHOOK_PROCESSING,
  [JobName.SCHEDULE_TICK]: QueueName.SCHEDULES,
  [JobName.HEALTH_CHECK]: QueueName.SCHEDULES,
  [JobName.REAPPLY_TRANSFORMATIONS]: QueueName.DATA_TRANSFORMATION,
  [JobName.RESOLVE_CONFLICTS]: QueueName.CONFLICT_RESOLUTION,
};

/**
 * Data of a `conflict-resolution` job: the integration whose undecided conflicts (strategy still
 * NULL) get the organization's policy; the processor reloads them and returns when none is left.
 */
export interface ConflictJobData {
  integrationId: string;
}

/** Temporary failures retry after 1 s, 2 s, 4 s: four attempts in all (a decided conflict is never decided again). */
export const CONFLICT_JOB_ATTEMPTS = 4;
export const CONFLICT_JOB_BACKOFF_MS = 1000;

/** Data of a `data-transformation` job: the id of the `transformation_runs` row. */
export interface TransformationJobData {
  runId: string;
}

/** Temporary failures retry after 2 s, 4 s: three attempts in all (a rerun rewrites only what still differs). */
export const TRANSFORMATION_JOB_ATTEMPTS = 3;

/** Data of an `actions` job: the id of the `actions` row (its payload stays encrypted in Postgres). */
export interface ActionJobData {
  actionId: string;
}

export const ACTION_JOB_ATTEMPTS = 5;
export const ACTION_JOB_BACKOFF_MS = 1000;

/** Data of a `sync-jobs` job: the id of the `sync_jobs` row; the processor reloads everything else. */
export interface SyncJobData {
  syncJobId: string;
}

/** Deterministic BullMQ job id of a sync job (BullMQ forbids ':' in custom ids). */
export function syncBullJobId(syncJobId: string): string {
  return `sync-${syncJobId}`;
}

/** Temporary failures retry after 2 s, 4 s, 8 s: four attempts in all. */
export const SYNC_JOB_ATTEMPTS = 4;
export const SYNC_JOB_BACKOFF_MS = 2000;

/** Data of a `schedule-tick` job: the integration whose `syncSchedule` fired; the processor reloads it. */
export interface ScheduleTickJobData {
  integrationId: string;
}

/** Data of a `health-check` job: none; the processor tests every enabled integration. */
export type HealthCheckJobData = Record<string, never>;

/** Any job of the `schedules` queue. */
export type ScheduleJobData = ScheduleTickJobData | HealthCheckJobData;

/** Prefix of every sync schedule's scheduler id, to tell them from other schedulers on the queue. */
export const SYNC_SCHEDULE_PREFIX = 'sync-schedule-';

/** BullMQ job scheduler id of an integration's sync schedule (one per integration; no ':' allowed). */
export function syncScheduleId(integrationId: string): string {
  return `${SYNC_SCHEDULE_PREFIX}${integrationId}`;
}

/** BullMQ job scheduler id of the periodic health check (one for the whole deployment). */
export const HEALTH_CHECK_SCHEDULER_ID = 'integration-health-check';

/** Data of a `webhook-processing` job: the id of the `webhook_deliveries` row (its payload stays encrypted in Postgres). */
export interface WebhookJobData {
  deliveryId: string;
}

/** Temporary failures retry after 1 s, 2 s, 4 s, 8 s, 16 s: six attempts in all. */
export const WEBHOOK_JOB_ATTEMPTS = 6;
export const WEBHOOK_JOB_BACKOFF_MS = 1000;
