import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ResourceFailureCode } from '../../providers/provider.exception';

export type SyncMode = 'full' | 'incremental';
/** inbound: read the vendor; outbound: push local edits to it; bidirectional: both, reading first. */
export type SyncDirection = 'inbound' | 'outbound' | 'bidirectional';
export const SYNC_DIRECTIONS: readonly SyncDirection[] = ['inbound', 'outbound', 'bidirectional'];

/** Counts of a job's outbound push (local edits written back to the vendor). */
export interface OutboundProgress {
  /** Records with local edits looked at. */
  records: number;
  /** Records whose pushed fields the vendor holds now (read back); their local edits are dropped. */
  written: number;
  /** Records the vendor refused, or that read back with another value: their edits stay. */
  refused: number;
  /** Records with nothing to push: only fields with an open conflict, or none the vendor takes. */
  skipped: number;
  done: boolean;
}
export type SyncStatus = 'queued' | 'running' | 'succeeded' | 'partially_succeeded' | 'failed' | 'cancelled';
export const ACTIVE_STATUSES: SyncStatus[] = ['queued', 'running'];
export const TERMINAL_STATUSES: SyncStatus[] = ['succeeded', 'partially_succeeded', 'failed', 'cancelled'];

/** How a resource ended in a job: read to the end, or unreadable at the source (the job then ends `partially_succeeded`). */
export type ResourceOutcome = 'completed' | 'failed';

/** Counters of one resource in one job; updated after every batch. */
export interface ResourceProgress {
  fetched: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  deleted: number;
  failed: number;
  /** Rows stored for this integration and resource after the job (count reconciliation). */
  stored?: number;
  /** `full` (from the start), `incremental` (from the checkpoint) or `reconciliation` (the periodic full pass of an incremental job). */
  pass?: 'full' | 'incremental' | 'reconciliation';
  /** Records a complete full pass no longer saw, tombstoned (included in `deleted`). */
  reconciledDeletes?: number;
  /**
   * What the source counted before the read (the adapter's `counts` capability): full jobs only,
   * for resources the adapter counts. A job whose `sourceCount` and `stored` differ reports it in
   * `countMismatches` and makes the integration `degraded`.
   */
  sourceCount?: number;
  done: boolean;
  /** Set when the resource is done: `failed` when the source could not be read (missing table, missing grant, 403/404). */
  outcome?: ResourceOutcome;
  /** Stable code of a failed resource: `resource_not_found` or `resource_forbidden`. */
  errorCode?: ResourceFailureCode;
  /** PHI-free explanation of a failed resource (which table or endpoint, and the driver's or HTTP code). */
  errorMessage?: string;
}

/** One sync run of an integration. Table `sync_jobs`; at most one queued or running per integration (unique index). */
@Entity('sync_jobs')
export class SyncJob {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'uuid' }) integrationId: string;
  @Column({ type: 'varchar', length: 20 }) mode: SyncMode;
  @Column({ type: 'varchar', length: 20, default: 'inbound' }) direction: SyncDirection;
  @Column({ type: 'jsonb', nullable: true }) outbound: OutboundProgress | null;
  @Column({ type: 'varchar', length: 20, default: 'api' }) trigger: string;
  @Column({ type: 'text', array: true }) resources: string[];
  @Column({ type: 'integer', nullable: true }) recordLimit: number | null;
  @Column({ type: 'varchar', length: 30, default: 'queued' }) status: SyncStatus;
  @Column({ type: 'jsonb', default: {} }) progress: Record<string, ResourceProgress>;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 60, nullable: true }) errorCode: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) errorMessage: string | null;
  @Column({ type: 'uuid', nullable: true }) retryOf: string | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelRequestedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A record that failed or was skipped in a job: a code and a message free of PHI. Table `sync_job_errors`. */
@Entity('sync_job_errors')
export class SyncJobError {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) jobId: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'varchar', length: 40 }) resource: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) externalId: string | null;
  @Column({ type: 'varchar', length: 10 }) kind: 'failed' | 'skipped';
  @Column({ type: 'varchar', length: 60 }) code: string;
  @Column({ type: 'varchar', length: 500 }) message: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

export function emptyProgress(): ResourceProgress {
  return { fetched: 0, added: 0, updated: 0, unchanged: 0, skipped: 0, deleted: 0, failed: 0, done: false };
}
