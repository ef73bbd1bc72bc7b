import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One row of `GET /sync/statistics`: a day (UTC) and integration. Durations in milliseconds. */
export interface SyncStatisticsRow {
  day: string;
  integrationId: string;
  jobs: number;
  succeeded: number;
  failed: number;
  recordsProcessed: number;
  averageDurationMs: number | null;
}

/** Aggregates sync jobs per day and integration. */
@Injectable()
export class SyncStatisticsService {
  constructor(private readonly dataSource: DataSource) {}

  async daily(organizationId: string, q: { from?: Date; to?: Date; integrationId?: string }): Promise<SyncStatisticsRow[]> {
    const rows = await this.dataSource.query(
      `SELECT to_char(date_trunc('day', j.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              j.integration_id,
              count(*)::int AS jobs,
              count(*) FILTER (WHERE j.status IN ('succeeded', 'partially_succeeded'))::int AS succeeded,
              count(*) FILTER (WHERE j.status = 'failed')::int AS failed,
              COALESCE(sum((SELECT sum((p.value->>'fetched')::bigint) FROM jsonb_each(j.progress) p)), 0)::bigint AS records,
              avg(EXTRACT(EPOCH FROM (j.finished_at - j.started_at)) * 1000) FILTER (WHERE j.finished_at IS NOT NULL AND j.started_at IS NOT NULL) AS avg_ms
         FROM sync_jobs j
        WHERE j.organization_id = $1
          AND ($2::timestamptz IS NULL OR j.created_at >= $2)
          AND ($3::timestamptz IS NULL OR j.created_at < $3)
          AND ($4::uuid IS NULL OR j.integration_id = $4)
        GROUP BY 1, 2
        ORDER BY 1 DESC, 2`,
      [organizationId, q.from ?? null, q.to ?? null, q.integrationId ?? null],
    );
    return rows.map((r: Record<string, string | number | null>) => ({
      day: String(r.day), integrationId: String(r.integration_id), jobs: Number(r.jobs), succeeded: Number(r.succeeded), failed: Number(r.failed),
      recordsProcessed: Number(r.records), averageDurationMs: r.avg_ms === null ? null : Math.round(Number(r.avg_ms)),
    }));
  }
}
