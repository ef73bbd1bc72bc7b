import type { Connection } from 'mysql2/promise';
import { assertDatabaseName, openSandboxConnection, quoteIdent } from './connection';
import { OpenDentalGenerator } from './generator';
import { loadTable, type LoadMethod } from './loader';
import type { Row } from './row-format';
import { OPENDENTAL_DDL, OPENDENTAL_SANDBOX_TABLES } from './schema.generated';

/** Session settings of every loading connection. */
const SESSION_SETTINGS = 'SET SESSION unique_checks = 0, foreign_key_checks = 0, net_read_timeout = 600, net_write_timeout = 600';

/** Options of buildOpenDentalSandbox(). */
export interface BuildSandboxOptions {
  /** Server URL without database, e.g. `mysql://root@127.0.0.1:3306`. */
  mysqlUrl: string;
  /** Database to (re)create: letters, digits and `_` only. It is DROPPED first. */
  database: string;
  /** Number of patients (>= 1); the other tables scale with it. */
  patients: number;
  /** Generator seed; default DEFAULT_SANDBOX_SEED. */
  seed?: number;
  /** Average appointments per patient (deleted ones included); default 3. */
  appointmentsPerPatient?: number;
  /** Reference day of the data (see GeneratorOptions.referenceTime); default today (UTC). */
  referenceTime?: Date | string | number;
  /** 'load-data' (default; falls back to INSERT when the server refuses LOCAL INFILE) or 'insert'. */
  method?: LoadMethod;
  /** Progress callback: stage is a table name (or 'schema'), done/total are rows. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** What a build produced. */
export interface SandboxSummary {
  database: string;
  /** Rows written per table. */
  counts: Record<string, number>;
  /** Wall time of the whole build in milliseconds. */
  durationMs: number;
  /** Reference day ('yyyy-MM-dd') the generated dates are relative to. */
  referenceDate: string;
  /** How rows were loaded ('insert' when the server refused LOAD DATA LOCAL). */
  loadMethod: LoadMethod;
}

const PROGRESS_EVERY = 10_000;
/** Row count from which a table's secondary indexes are built after its load. */
const DEFER_INDEXES_FROM = 50_000;
/** Reference tables, loaded first on one connection. */
const SMALL_TABLES = ['definition', 'clinic', 'provider', 'operatory', 'carrier', 'insplan'];
/** Big tables, loaded in parallel lanes (one connection each). */
const LANES = [['patient', 'inssub', 'patplan'], ['appointment'], ['document', 'histappointment', 'deletedobject']];

if ([...SMALL_TABLES, ...LANES.flat()].sort().join() !== [...OPENDENTAL_SANDBOX_TABLES].sort().join()) {
  throw new Error('build-sandbox: SMALL_TABLES + LANES must list every sandbox table exactly once');
}

/** Counts rows through an iterable and reports progress every PROGRESS_EVERY rows. */
function* withProgress(rows: Iterable<Row>, stage: string, total: number, onProgress?: BuildSandboxOptions['onProgress']): Generator<Row> {
  let n = 0;
  for (const row of rows) {
    yield row;
    if (onProgress && ++n % PROGRESS_EVERY === 0) onProgress(stage, n, total);
  }
}

/**
 * Creates (DROP DATABASE IF EXISTS + CREATE DATABASE) a simulated OpenDental 25.4
 * database with the tables of OPENDENTAL_DDL (generated from OpenDentalDocumentation25-4.xml)
 * and fills them with deterministic synthetic data for `patients` patients.
 *
 * Rows are streamed with LOAD DATA LOCAL INFILE (multi-row INSERTs if the server refuses
 * it), one transaction per table, three tables at a time on three connections; tables of
 * 50,000+ rows get their secondary indexes after the load. Every DateTStamp/SecDateTEdit
 * is written explicitly, before the reference day (see OfficeClock).
 * Measured on 2 cores (MariaDB 10.11): 5,000 patients ~1.5 s, 200,000 patients ~17-29 s.
 *
 * @returns counts per table, duration in ms, reference day and load method.
 * @throws Error for an invalid database name or options; the mysql2 error when the server
 *   is unreachable or refuses the statements; Error when a load produced server warnings.
 */
export async function buildOpenDentalSandbox(opts: BuildSandboxOptions): Promise<SandboxSummary> {
  const started = Date.now();
  assertDatabaseName(opts.database);
  const gen = new OpenDentalGenerator(opts);
  const conn: Connection = await openSandboxConnection(opts.mysqlUrl);
  try {
    opts.onProgress?.('schema', 0, OPENDENTAL_SANDBOX_TABLES.length);
    const db = quoteIdent(opts.database);
    await conn.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    await conn.query(`USE ${db}`);
    // No foreign keys or unique secondary keys exist, but skip the checks anyway. A loaded machine
    // may starve the generator for longer than the default 30 s net_read_timeout mid-LOAD DATA.
    await conn.query(SESSION_SETTINGS);
    for (const table of OPENDENTAL_SANDBOX_TABLES) await conn.query(OPENDENTAL_DDL[table]);
    opts.onProgress?.('schema', OPENDENTAL_SANDBOX_TABLES.length, OPENDENTAL_SANDBOX_TABLES.length);

    const factories = gen.tables();
    const expected = gen.expectedCounts();
    const counts: Record<string, number> = {};
    let method: LoadMethod = opts.method ?? 'load-data';
    const loadLane = async (c: Connection, tables: string[]): Promise<void> => {
      for (const table of tables) {
        const total = expected[table] ?? 0;
        opts.onProgress?.(table, 0, total);
        // On big tables, secondary indexes are dropped during the load and rebuilt by one
        // sorted ALTER: random-order index inserts cost more server time than the rebuild
        // (590,000 appointments: ~12.5 s with indexes, ~10.5 s load + rebuild).
        const keys = total >= DEFER_INDEXES_FROM ? [...OPENDENTAL_DDL[table].matchAll(/^ {2}KEY (`\w+`) \((.+)\),?$/gm)] : [];
        if (keys.length > 0) await c.query(`ALTER TABLE ${quoteIdent(table)} ${keys.map((k) => `DROP KEY ${k[1]}`).join(', ')}`);
        const result = await loadTable(c, table, () => withProgress(factories[table](), table, total, opts.onProgress), method);
        if (keys.length > 0) await c.query(`ALTER TABLE ${quoteIdent(table)} ${keys.map((k) => `ADD KEY ${k[1]} (${k[2]})`).join(', ')}`);
        method = result.method; // after one refusal, later tables go straight to INSERT
        counts[table] = result.count;
        opts.onProgress?.(table, result.count, result.count); // done: the real count
      }
    };
    await loadLane(conn, SMALL_TABLES);
    // One LOAD DATA keeps one server thread busy; three lanes on three connections let the
    // server parse patients, appointments and documents while Node generates the next chunk.
    const extra = await Promise.all(LANES.slice(1).map(() => openSandboxConnection(opts.mysqlUrl, opts.database)));
    try {
      await Promise.all(extra.map((c) => c.query(SESSION_SETTINGS)));
      // allSettled: a failing lane must not leave the others running on closed connections.
      const settled = await Promise.allSettled(LANES.map((lane, i) => loadLane(i === 0 ? conn : extra[i - 1], lane)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      await Promise.all(extra.map((c) => c.end()));
    }
    // Deleted appointments leave AptNum gaps, possibly at the end: never hand those numbers
    // out again (a reused AptNum would resurrect a deletedobject tombstone).
    await conn.query(`ALTER TABLE appointment AUTO_INCREMENT = ${gen.appointmentTotal + 1}`);
    const ordered = Object.fromEntries(OPENDENTAL_SANDBOX_TABLES.map((t) => [t, counts[t]]));
    return { database: opts.database, counts: ordered, durationMs: Date.now() - started, referenceDate: gen.referenceDate, loadMethod: method };
  } finally {
    await conn.end();
  }
}
