import { AdapterContext, CanonicalRecord, Checkpoint, ProviderAdapter, ReadBatch, ReadRequest, RecordIssue } from '../../src/providers/provider-adapter';

/** Everything one read() gives: records by external id, issues, batches and the last checkpoint (what the engine would save). */
export interface ReadResult {
  records: Map<string, CanonicalRecord>;
  skipped: RecordIssue[];
  failed: RecordIssue[];
  batches: ReadBatch[];
  checkpoint: Checkpoint | null;
}

/** Runs one read() to its end; `onBatch` runs after each batch (e.g. to expire tokens mid-migration). */
export async function readToEnd(adapter: Pick<ProviderAdapter, 'read'>, ctx: AdapterContext, request: ReadRequest,
  onBatch?: (batch: ReadBatch, index: number) => void | Promise<void>): Promise<ReadResult> {
  const result: ReadResult = { records: new Map(), skipped: [], failed: [], batches: [], checkpoint: request.checkpoint };
  for await (const batch of adapter.read(ctx, request)) {
    result.batches.push(batch);
    for (const record of batch.records) result.records.set(record.externalId, record);
    result.skipped.push(...batch.skipped);
    result.failed.push(...batch.failed);
    result.checkpoint = batch.checkpoint;
    await onBatch?.(batch, result.batches.length - 1);
  }
  return result;
}
