import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Health of an integration as last measured by a connection test or a sync. */
export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy' | 'stale';

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
  /** Minutes after the last successful sync (or creation, never synced) before the integration is `stale`; null = no SLA. */
  @Column({ type: 'integer', nullable: true }) freshnessSlaMinutes: number | null;
  /** Hours between the full passes that find hard deletes in incremental resources (null = 24). */
  @Column({ type: 'integer', nullable: true }) reconcileIntervalHours: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
