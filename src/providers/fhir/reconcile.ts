import { collect } from '../common/read-batch';
import type { CanonicalRecord, Checkpoint, ReadBatch } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import type { FhirClient } from './fhir-client';
import type { FhirResource } from './fhir-types';

/**
 * Ids a reader knows, for tombstoning by reconciliation (issue 9 "Deletes": FHIR search never
 * returns deleted resources and none of the seven servers offers `_history`):
 * - `known`: ids seen by the last completed full pass and by the incremental passes since, each
 *   with the instant that places it in a window (an appointment's `start`; '' when none);
 * - `seen`: ids seen so far in the current full pass (null: not in a full pass).
 * Kept in the checkpoint, so a pass resumed after a crash still knows what it saw. Size grows
 * with the resource count (about 40 bytes an id): fine for tens of thousands, Bulk export's
 * `deleted` files are the way for larger populations.
 */
export interface ReconcileState {
  known: Record<string, string>;
  seen: Record<string, string> | null;
}

/** The reconcile state of a checkpoint or of the prior checkpoint a full pass starts from. */
export function reconcileStateOf(checkpoint: Checkpoint | null | undefined): ReconcileState {
  const r = (checkpoint as { reconcile?: Partial<ReconcileState> } | null | undefined)?.reconcile;
  return { known: { ...(r?.known ?? {}) }, seen: r?.seen ? { ...r.seen } : null };
}

/** Where a resource is placed in a window (Appointment `start`), '' when the reader has no window. */
export type Placement = (resource: FhirResource) => string;

/** Notes ids of a page as seen (full pass) or known (incremental pass). */
export function noteSeen(state: ReconcileState, resources: FhirResource[], place: Placement): void {
  const target = state.seen ?? state.known;
  for (const r of resources) if (r.id) target[r.id] = place(r);
}

/**
 * Ends a full pass: every id known before but not seen in it is read by id (`GET {type}/{id}`);
 * 404/410 → tombstone, found → the record again (it moved out of the window or a page missed it).
 * Only ids placed inside `inWindow` are checked (an appointment that left a rolling window is not
 * gone). `known` becomes what the pass saw; ids outside the window stay known.
 * @throws ProviderException from the client (other than not-found).
 */
export async function finishFullPass(
  client: FhirClient, type: string, state: ReconcileState, batch: ReadBatch,
  map: (r: FhirResource) => CanonicalRecord, inWindow: (placedAt: string) => boolean = () => true,
): Promise<void> {
  const seen = state.seen ?? {};
  const next: Record<string, string> = { ...seen };
  for (const [id, placedAt] of Object.entries(state.known)) {
    if (id in seen) continue;
    if (!inWindow(placedAt)) {
      next[id] = placedAt;
      continue;
    }
    const found = await readById(client, type, id);
    if (!found) {
      batch.deletedExternalIds.push(id);
      batch.fetched++;
      continue;
    }
    await collect(batch, id, () => map(found));
  }
  state.known = next;
  state.seen = null;
}

async function readById(client: FhirClient, type: string, id: string): Promise<FhirResource | null> {
  try {
    const { body } = await client.http.get<FhirResource>(`${type}/${encodeURIComponent(id)}`);
    return body?.resourceType === type ? body : null;
  } catch (error) {
    if (error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND) return null;
    throw error;
  }
}
