import {
  AdapterContext, CanonicalRecord, Checkpoint, ProviderAdapter, ReadBatch, ReadRequest, RecordIssue, ResourceType,
} from '../../src/providers/provider-adapter';

/** Everything one read() gives: records (typed by the resource read) by external id, issues, batches and the last checkpoint (what the engine would save). */
export interface ReadResult<R extends ResourceType = ResourceType> {
  records: Map<string, CanonicalRecord<R>>;
  skipped: RecordIssue[];
  failed: RecordIssue[];
  batches: ReadBatch[];
  checkpoint: Checkpoint | null;
}

/** Runs one read() to its end; `onBatch` runs after each batch (e.g. to expire tokens mid-migration). */
export async function readToEnd<R extends ResourceType>(adapter: Pick<ProviderAdapter, 'read'>, ctx: AdapterContext, request: ReadRequest & { resource: R },
  onBatch?: (batch: ReadBatch, index: number) => void | Promise<void>): Promise<ReadResult<R>> {
  const result: ReadResult<R> = { records: new Map(), skipped: [], failed: [], batches: [], checkpoint: request.checkpoint };
  for await (const batch of adapter.read(ctx, request)) {
    result.batches.push(batch);
    // The adapter answers with records of the resource asked for.
    for (const record of batch.records) result.records.set(record.externalId, record as CanonicalRecord<R>);
    result.skipped.push(...batch.skipped);
    result.failed.push(...batch.failed);
    result.checkpoint = batch.checkpoint;
    await onBatch?.(batch, result.batches.length - 1);
  }
  return result;
}
