import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { PG_POOL } from '../../database/database.module';
import { dropExpiredAuditPartitions, ensureAuditPartitions } from './audit-partitions';

/** How often a worker node runs the audit maintenance (ms): daily. */
export const AUDIT_MAINTENANCE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** What one maintenance pass did. */
export interface AuditMaintenanceResult {
  created: string[];
  dropped: string[];
}

/**
 * Keeps `audit_events` partitioned by month (migration AuditEventsPartitioned): on start and
 * daily, on worker nodes, it creates the months ahead (audit-partitions.ts) and drops whole
 * months older than `AUDIT_RETENTION_DAYS`, storing where each hash chain now starts. Two nodes
 * running it at once are safe: each step takes one advisory lock, and the loser skips the pass.
 */
@Injectable()
export class AuditMaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditMaintenanceService.name);
  private timer?: NodeJS.Timeout;
  /** The pass in flight in this process: passes run one after another (the advisory lock only keeps other processes out). */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.appRole === 'api') return;
    const tick = () => {
      this.run().catch((error: Error) => this.logger.warn({ errorClass: error.name }, 'audit maintenance failed; retrying next interval'));
    };
    tick();
    this.timer = setInterval(tick, AUDIT_MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.last;
  }

  /**
   * One pass at `now`: partitions first (rows the default partition caught move into their
   * month, so they can expire), then retention. Starts after a pass already running here ends.
   * @throws database errors (the timer logs them).
   */
  run(now = new Date()): Promise<AuditMaintenanceResult> {
    const pass = this.last.then(() => this.pass(now));
    this.last = pass.catch(() => undefined);
    return pass;
  }

  private async pass(now: Date): Promise<AuditMaintenanceResult> {
    const created = await ensureAuditPartitions(this.pool, now);
    const dropped = await dropExpiredAuditPartitions(this.pool, this.env.auditRetentionDays, now);
    if (created.length || dropped.length) this.logger.log({ created, dropped }, 'audit partitions maintained');
    return { created, dropped };
  }
}
