import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createPool } from 'mysql2';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { parseMysqlUrl } from '../opendental-db/connection';
import { OPENDENTAL_API_SANDBOX_OPTIONS, OpenDentalApiSandboxOptions } from './sandbox-options';

/** Small reference tables a response needs for its text fields (`confirmed`, `provAbbr`, `clinicAbbr`…). */
export interface OfficeLookups {
  /** definition rows by DefNum. */
  defs: Map<number, { category: number; name: string; order: number }>;
  provAbbr: Map<number, string>;
  clinicAbbr: Map<number, string>;
}

/** A SQL row as mysql2 returns it (dateStrings: dates stay OpenDental's strings). */
export type SqlRow = Record<string, unknown>;

/**
 * MariaDB access of the sandbox: one small pool per office database, every session at
 * `time_zone = '+00:00'` with `dateStrings`, as the database sandbox requires (times are
 * office-local wall times stored as-is). The sandbox office's clock is therefore the server's
 * NOW() in that session: `serverDateTime` and every DateTStamp a write stamps read in UTC.
 */
@Injectable()
export class SandboxOfficeDb implements OnModuleDestroy {
  private readonly pools = new Map<string, Pool>();

  constructor(@Inject(OPENDENTAL_API_SANDBOX_OPTIONS) private readonly options: OpenDentalApiSandboxOptions) {}

  /** The pool of an office database (created on first use). */
  pool(database: string): Pool {
    let pool = this.pools.get(database);
    if (!pool) {
      const core = createPool({
        ...parseMysqlUrl(this.options.mysqlUrl), database, dateStrings: true, timezone: 'Z', supportBigNumbers: true,
        charset: 'utf8mb4_general_ci', connectionLimit: 4,
      });
      core.on('connection', (connection) => connection.query("SET time_zone = '+00:00'"));
      pool = core.promise();
      this.pools.set(database, pool);
    }
    return pool;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end().catch(() => undefined)));
    this.pools.clear();
  }
}

/** Runs a query and returns its rows. */
export async function rows(pool: Pool, sql: string, params: unknown[] = []): Promise<SqlRow[]> {
  const [result] = await pool.query<RowDataPacket[]>(sql, params);
  return result as SqlRow[];
}

/** The office server's clock as OpenDental writes it (`yyyy-MM-dd HH:mm:ss`): what `serverDateTime` carries. */
export async function serverNow(pool: Pool): Promise<string> {
  const [row] = await rows(pool, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s') AS now");
  return String(row.now);
}

/** Loads definitions, provider abbreviations and clinic abbreviations (a few hundred rows at most). */
export async function loadLookups(pool: Pool): Promise<OfficeLookups> {
  const [defs, provs, clinics] = await Promise.all([
    rows(pool, 'SELECT DefNum, Category, ItemName, ItemOrder FROM definition'),
    rows(pool, 'SELECT ProvNum, Abbr FROM provider'),
    rows(pool, 'SELECT ClinicNum, Abbr FROM clinic'),
  ]);
  return {
    defs: new Map(defs.map((d) => [Number(d.DefNum), { category: Number(d.Category), name: String(d.ItemName), order: Number(d.ItemOrder) }])),
    provAbbr: new Map(provs.map((p) => [Number(p.ProvNum), String(p.Abbr)])),
    clinicAbbr: new Map(clinics.map((c) => [Number(c.ClinicNum), String(c.Abbr)])),
  };
}
