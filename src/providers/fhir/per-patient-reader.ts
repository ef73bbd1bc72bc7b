import { collect, emptyBatch, seal } from '../common/read-batch';
import type { AdapterContext, CanonicalRecord, Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import type { FhirClient } from './fhir-client';
import type { FhirResource } from './fhir-types';
import { finishFullPass, noteSeen, ReconcileState, reconcileStateOf } from './reconcile';

/** Where a per-patient pass stands: the last patient whose resources are all in committed batches. */
export interface PerPatientCheckpoint {
  v: 1;
  kind: 'per-patient';
  /** Patient id done last (the pass continues after it); null at the start. */
  after: string | null;
  reconcile: ReconcileState;
}

/** One resource read patient by patient. */
export interface PerPatientSpec {
  resourceType: string;
  /** The search parameter naming the patient (`patient`). */
  param: string;
  params: Array<[string, string]>;
  countParam: string | null;
  pageSize: number;
  map: (resource: FhirResource) => CanonicalRecord;
  /** Errors of an expired cursor (the patient's search restarts at its first page). */
  restartOn?: (error: unknown) => boolean;
  /** Rewrite next links to this origin (search-pages.ts). */
  rewriteOrigin?: string;
}

function parse(checkpoint: Checkpoint | null): PerPatientCheckpoint {
  const c = checkpoint as Partial<PerPatientCheckpoint> | null;
  if (c?.v !== 1 || c.kind !== 'per-patient') return { v: 1, kind: 'per-patient', after: null, reconcile: reconcileStateOf(null) };
  return { v: 1, kind: 'per-patient', after: c.after ?? null, reconcile: reconcileStateOf(c) };
}

/**
 * Reads a resource the server searches only within a patient (Epic Appointment/Coverage/
 * DocumentReference, Oracle Health Coverage, athenahealth Coverage: FHIR-R4.md §2.2): one paged
 * search `{Type}?{param}={patientId}` per patient the hub has stored (AdapterContext.storedExternalIds,
 * ascending), so patients must be synced first (they are: RESOURCE_ORDER). Every run is a full
 * pass; ids no longer seen are checked by id and tombstoned (reconcile.ts). Batches end at patient
 * boundaries; the checkpoint names the last patient done, so a crash resumes after it.
 * @throws ProviderException UNSUPPORTED (permanent) when the engine gives no stored patients; the client's errors.
 */
export async function* readPerPatient(client: FhirClient, spec: PerPatientSpec, ctx: AdapterContext, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  if (!ctx.storedExternalIds) throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `${spec.resourceType} is read per patient and needs the stored patients`, { temporary: false });
  const cp = parse(request.checkpoint);
  if (!request.checkpoint) {
    if (request.priorCheckpoint) cp.reconcile = reconcileStateOf(request.priorCheckpoint);
    cp.reconcile.seen = {};
  }
  cp.reconcile.seen ??= {};
  let remaining = request.limit;
  let batch = emptyBatch();
  const taken = new Set<string>();
  for await (const patients of ctx.storedExternalIds('patients', cp.after)) {
    for (const patientId of patients) {
      const query: Array<[string, string]> = [...spec.params, [spec.param, patientId]];
      if (spec.countParam) query.push([spec.countParam, String(spec.pageSize)]);
      for await (const page of client.search(`${spec.resourceType}?${new URLSearchParams(query).toString()}`, { resourceType: spec.resourceType, seen: taken, restartOn: spec.restartOn, rewriteOrigin: spec.rewriteOrigin })) {
        noteSeen(cp.reconcile, page.resources, () => '');
        for (const resource of page.resources) {
          const count = await collect(batch, resource.id!, () => spec.map(resource));
          if (remaining !== undefined) remaining -= count;
        }
      }
      cp.after = patientId;
      if (batch.fetched >= request.batchSize || (remaining !== undefined && remaining <= 0) || signal?.aborted) {
        yield seal(batch, cp);
        batch = emptyBatch();
        if ((remaining !== undefined && remaining <= 0) || signal?.aborted) return;
      }
    }
  }
  await finishFullPass(client, spec.resourceType, cp.reconcile, batch, spec.map);
  cp.after = null;
  yield seal(batch, cp);
}
