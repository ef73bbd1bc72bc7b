import { Injectable } from '@nestjs/common';
import {
  AdapterContext, Checkpoint, ConnectionTestResult, ListDatabasesCapability, ProviderAdapter,
  SourceCountCapability, ReadBatch, ReadRequest, ResourceReadability, ResourceType, VendorDescriptor,
} from '../provider-adapter';
import { ProviderException } from '../provider.exception';
import { KeysetPosition, positionOf, streamKeyset } from './keyset-stream';
import { closeConnection, openConnection, query } from './mysql-connection';
import { OPENDENTAL_DB_CONFIG_SCHEMA, OpenDentalDbConfig, withDefaults } from './opendental-db.config';
import { probeTables } from './probe';
import { pkOf, streamsFor } from './resource-readers';
import { countLiveRows } from './source-counts';
import { isValidTimeZone } from '../opendental-shared/values';

/** Checkpoint of a resource: one keyset position per stream (for example `appointment`, `deletedobject`). */
type DbCheckpoint = Record<string, KeysetPosition | null>;

const DESCRIPTOR: VendorDescriptor = {
  id: 'opendental-db',
  name: 'OpenDental (direct database)',
  category: 'dental_pms',
  description: "Reads an OpenDental office's MySQL/MariaDB database directly (on-premise servers).",
  capabilities: {
    resources: ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents'],
    // Coverages are read whole each time: see resource-readers.ts.
    incremental: ['providers', 'locations', 'patients', 'appointments', 'documents'],
    // A full pass reads every row its filters keep; rows deleted outright (patplan, document) are found that way.
    reconcileDeletes: ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents'],
  },
  configSchema: OPENDENTAL_DB_CONFIG_SCHEMA,
  credentialFields: [{ name: 'password', label: 'Database password', required: true }],
};

function issue(value: object): value is { code: string; message: string } {
  return 'code' in value && 'message' in value && !('data' in value);
}

/**
 * Adapter for OpenDental by direct MySQL (vendor id `opendental-db`), following the schema
 * document OpenDentalDocumentation25-4.xml and docs/vendors/opendental-db.md.
 * Reads stream with mysql2; incremental reads use the keyset `(DateTStamp, primary key)`;
 * coverages (the insurance join) are read whole, keyed by PatPlanNum (see resource-readers.ts).
 */
@Injectable()
export class OpenDentalDbAdapter implements ProviderAdapter {
  readonly descriptor = DESCRIPTOR;

  private settings(ctx: AdapterContext): { config: OpenDentalDbConfig; password: string } {
    return { config: withDefaults(ctx.config), password: ctx.credentials.password ?? '' };
  }

  /** `timeZone` must be an IANA zone this runtime knows. */
  validateConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
    const zone = config.timeZone;
    if (zone === undefined || (typeof zone === 'string' && isValidTimeZone(zone))) return [];
    return [{ field: 'config.timeZone', errors: ['config.timeZone must be an IANA time zone such as America/Chicago'] }];
  }

  /** Connects and checks that the `patient` table is readable. Answers `ok: false` with a safe message on failure. */
  async testConnection(ctx: AdapterContext): Promise<ConnectionTestResult> {
    const { config, password } = this.settings(ctx);
    try {
      const connection = await openConnection(config, password);
      try {
        const [version] = await query<{ v: string }>(connection, 'SELECT VERSION() AS v');
        await query(connection, 'SELECT PatNum FROM patient LIMIT 1');
        return { ok: true, message: 'Connected; the patient table is readable', details: { serverVersion: version?.v } };
      } finally {
        await closeConnection(connection);
      }
    } catch (error) {
      if (error instanceof ProviderException) return { ok: false, message: error.message, details: { code: error.code } };
      throw error;
    }
  }

  /**
   * Which resources this login can read: `SELECT 1 FROM <table> LIMIT 0` on each table a
   * resource needs (probe.ts), on one connection. @throws ProviderException when the server refuses the login or is unreachable.
   */
  async probeResources(ctx: AdapterContext): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
    const { config, password } = this.settings(ctx);
    const connection = await openConnection(config, password);
    try {
      return await probeTables(connection, DESCRIPTOR.capabilities.resources, config);
    } finally {
      await closeConnection(connection);
    }
  }

  /** Lists databases on the server (the setup form's "select database" step), without system schemas. */
  readonly listDatabases: ListDatabasesCapability = { list: async (ctx) => this.databases(ctx) };

  /**
   * Counts what a full read would store: one `COUNT(*)` with the read's filters (source-counts.ts);
   * patients, providers, locations and appointments (null for the hard-deleted coverages and documents).
   */
  readonly counts: SourceCountCapability = { countSource: async (ctx, resource) => this.count(ctx, resource) };

  private async count(ctx: AdapterContext, resource: ResourceType): Promise<number | null> {
    const { config, password } = this.settings(ctx);
    const connection = await openConnection(config, password);
    try {
      return await countLiveRows(connection, resource, config);
    } finally {
      await closeConnection(connection);
    }
  }

  private async databases(ctx: AdapterContext): Promise<string[]> {
    const { config, password } = this.settings(ctx);
    const connection = await openConnection(config, password, null);
    try {
      const rows = await query<{ Database: string }>(connection, 'SHOW DATABASES');
      const system = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);
      return rows.map((r) => r.Database).filter((d) => !system.has(d)).sort();
    } finally {
      await closeConnection(connection);
    }
  }

  /**
   * Reads one resource in batches of `batchSize`, stream by stream, each from its keyset
   * position in `checkpoint`. The server clock read at the start bounds every stream.
   * @throws ProviderException (temporary: unreachable; permanent: authentication; RESOURCE_NOT_FOUND /
   *   RESOURCE_FORBIDDEN when a table this resource needs is missing or not granted: that resource alone fails).
   */
  async *read(ctx: AdapterContext, request: ReadRequest): AsyncGenerator<ReadBatch> {
    const { config, password } = this.settings(ctx);
    const streams = streamsFor(request.resource, config);
    if (streams.length === 0) return;
    const connection = await openConnection(config, password);
    try {
      const [{ now }] = await query<{ now: string }>(connection, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s') AS now");
      const positions: DbCheckpoint = { ...((request.checkpoint as DbCheckpoint | null) ?? {}) };
      let remaining = request.limit;
      for (const spec of streams) {
        if (remaining !== undefined && remaining <= 0) break;
        let batch = emptyBatch();
        for await (const row of streamKeyset(connection, spec.query, positions[spec.name] ?? null, now, remaining)) {
          if (ctx.signal?.aborted) break;
          collect(batch, safeMap(spec, row));
          positions[spec.name] = positionOf(spec.query, row);
          if (remaining !== undefined) remaining--;
          if (batch.fetched >= request.batchSize) {
            yield seal(batch, positions);
            batch = emptyBatch();
          }
        }
        if (batch.fetched > 0) yield seal(batch, positions);
        if (ctx.signal?.aborted) return;
      }
    } finally {
      connection.destroy();
    }
  }
}

function emptyBatch(): ReadBatch {
  return { records: [], deletedExternalIds: [], skipped: [], failed: [], fetched: 0, checkpoint: {} };
}

function collect(batch: ReadBatch, mapped: ReturnType<ReturnType<typeof streamsFor>[number]['map']>): void {
  batch.fetched++;
  if ('deletedExternalId' in mapped) batch.deletedExternalIds.push(mapped.deletedExternalId);
  else if (issue(mapped)) batch.skipped.push(mapped);
  else batch.records.push(mapped);
}

/** A row the mapper cannot handle becomes a per-record failure, not a failed job; the message names only the error class. */
function safeMap(spec: ReturnType<typeof streamsFor>[number], row: Record<string, unknown>): ReturnType<typeof spec.map> {
  try {
    return spec.map(row);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { externalId: pkOf(spec, row), code: 'mapping_failed', message: `Row could not be mapped (${name})` };
  }
}

function seal(batch: ReadBatch, positions: DbCheckpoint): ReadBatch {
  batch.checkpoint = { ...positions } as Checkpoint;
  return batch;
}
