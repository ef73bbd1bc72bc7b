import { CanonicalRecord, Checkpoint, ReadBatch, RecordIssue } from '../provider-adapter';
import { ProviderException } from '../provider.exception';
import { RequestAborted } from './retry';

/** A mapped source row: a record or a skip issue. */
export type Mapped = CanonicalRecord | RecordIssue;

/** Maps one source row to zero or more records/issues (documents: one patient row gives its documents). */
export type RowMapper = (row: Record<string, unknown>) => Mapped | Mapped[] | Promise<Mapped | Mapped[]>;

/** A batch with nothing in it yet. */
export function emptyBatch(): ReadBatch {
  return { records: [], deletedExternalIds: [], skipped: [], failed: [], fetched: 0, checkpoint: {} };
}

/** Sets the batch's checkpoint to a deep copy of `checkpoint` (the reader keeps mutating its own). */
export function seal(batch: ReadBatch, checkpoint: object): ReadBatch {
  batch.checkpoint = JSON.parse(JSON.stringify(checkpoint)) as Checkpoint;
  return batch;
}

/**
 * Adds what one source row maps to; returns how many source records that was. A mapper that
 * throws a plain error gives a per-record failure naming only the error class; vendor errors
 * (ProviderException) and aborts propagate and fail the read.
 */
export async function collect(batch: ReadBatch, externalId: string, map: () => ReturnType<RowMapper>): Promise<number> {
  let mapped: Mapped[];
  try {
    const result = await map();
    mapped = Array.isArray(result) ? result : [result];
  } catch (error) {
    if (error instanceof ProviderException || error instanceof RequestAborted) throw error;
    batch.fetched++;
    batch.failed.push({ externalId, code: 'mapping_failed', message: `Row could not be mapped (${error instanceof Error ? error.name : 'Error'})` });
    return 1;
  }
  for (const item of mapped) {
    batch.fetched++;
    if ('data' in item) batch.records.push(item);
    else batch.skipped.push(item);
  }
  return mapped.length;
}
