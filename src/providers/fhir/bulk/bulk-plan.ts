import type { Checkpoint } from '../../provider-adapter';
import type { FhirClient } from '../fhir-client';
import { isBulkCheckpoint } from './bulk-reader';
import { advertisedLevels, BulkExportLevel, BulkExportMode, kickOffPath } from './bulk-strategy';

/** Advertised export levels are reused this long (ms) per FHIR base by a process (like discovery). */
const LEVELS_TTL_MS = 10 * 60_000;
const cache = new Map<string, { levels: Set<BulkExportLevel>; until: number }>();

/**
 * Whether one read goes by Bulk `$export` and from which path (null: paged search):
 * - `never`, or a checkpoint of a search pass or incremental: search (an incremental that began
 *   by search stays on `_lastUpdated`);
 * - no checkpoint (a full pass) or a Bulk checkpoint (an export in flight, or `_since` from the
 *   last export's `transactionTime`): Bulk when `always`, or when `auto` and the server's
 *   CapabilityStatement advertises a level that serves the type (bulk-strategy.ts).
 * @throws ProviderException from `GET metadata` (auto only).
 */
export async function bulkPlan(client: FhirClient, type: string, mode: BulkExportMode, groupId: string | null, checkpoint: Checkpoint | null): Promise<string | null> {
  if (mode === 'never' || (checkpoint !== null && !isBulkCheckpoint(checkpoint))) return null;
  if (mode === 'always') return kickOffPath(type, mode, groupId, new Set());
  const base = client.http.settings.baseUrl;
  let hit = cache.get(base);
  if (!hit || hit.until <= Date.now()) {
    hit = { levels: advertisedLevels(await client.capabilityStatement()), until: Date.now() + LEVELS_TTL_MS };
    cache.set(base, hit);
  }
  return kickOffPath(type, mode, groupId, hit.levels);
}
