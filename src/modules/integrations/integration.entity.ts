import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Health of an integration as last measured by a connection test or a sync. `degraded`: the
 * connection works, but the last full sync's counts disagreed with the source ({@link CountMismatch}).
 */
export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy' | 'stale' | 'degraded';

/** One resource whose source count and stored live records differ after a full sync. */
export interface ResourceCountMismatch {
  resource: string;
  /** What the source counts (the adapter's `counts.countSource`). */
  sourceCount: number;
  /** Live records the hub stores for the integration and resource. */
  stored: number;
}

/** The last full sync whose counts disagreed (column `count_mismatch`); `message` is PHI-free. */
export interface CountMismatch {
  syncJobId: string;
  at: string;
  message: string;
  resources: ResourceCountMismatch[];
}

/**
 * An organization's connection to one vendor system. `credentialsProvider` says where the
 * credentials live: `local` = only in `credentialsCiphertext` (AES-256-GCM bound to
 * organization and integration id); `aws-secrets-manager` = in the AWS secret named by
 * `credentialsSecretId` (a name or ARN; a reference, not a secret), nothing stored here.
 * Table `integrations`.
 */
@Entity('integrations')
export class Integration {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'varchar', length: 50 }) vendor: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 20 }) environment: 'sandbox' | 'production';
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'jsonb', default: {} }) config: Record<string, unknown>;
  @Column({ type: 'varchar', length: 30, default: 'local' }) credentialsProvider: string;
  @Column({ type: 'bytea', nullable: true, select: false }) credentialsCiphertext: Buffer | null;
  @Column({ type: 'varchar', length: 2048, nullable: true }) credentialsSecretId: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) credentialFields: string[];
  @Column({ type: 'varchar', length: 120, nullable: true }) syncSchedule: string | null;
  @Column({ type: 'varchar', length: 20, default: 'unknown' }) healthStatus: HealthStatus;
  @Column({ type: 'timestamptz', nullable: true }) lastTestedAt: Date | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz', nullable: true }) lastSyncedAt: Date | null;
  /** Set while the health is `degraded` by a count reconciliation; null once a full sync's counts agree. */
  @Column({ type: 'jsonb', nullable: true }) countMismatch: CountMismatch | null;
  /** Minutes after the last successful sync (or creation, never synced) before the integration is `stale`; null = no SLA. */
  @Column({ type: 'integer', nullable: true }) freshnessSlaMinutes: number | null;
  /** Hours between the full passes that find hard deletes in incremental resources (null = 24). */
  @Column({ type: 'integer', nullable: true }) reconcileIntervalHours: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
