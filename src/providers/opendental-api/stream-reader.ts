import { collect, emptyBatch, RowMapper, seal } from '../common/read-batch';
import { Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import { OpenDentalApiClient, QueryParams } from './http-client';
import { ApiCheckpoint, FRESH_POSITION, pageRows, StreamPosition } from './paged-stream';

/** One paged list read as a stream of the checkpoint (for example `patients` or `patients:clinic:2`). */
export interface ListStream {
  name: string;
  path: string;
  query: QueryParams;
  /** Field identifying a row. */
  key: string;
  /** Sends `DateTStamp` = the stream's `since` and keeps a serverDateTime watermark. */
  incremental: boolean;
}

/** Reads the checkpoint the engine saved (anything else starts afresh). */
export function parseCheckpoint(checkpoint: Checkpoint | null): ApiCheckpoint {
  const c = checkpoint as Partial<ApiCheckpoint> | null;
  return c?.v === 1 && c.streams && typeof c.streams === 'object' ? { v: 1, streams: { ...c.streams } } : { v: 1, streams: {} };
}

/** Every row of a list endpoint (small reference lists: carriers, plans, one patient's documents). */
export async function fetchAll(client: OpenDentalApiClient, path: string, key: string, query: QueryParams, pageSize: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const fetchPage = (offset: number, limit: number) => client.get<Array<Record<string, unknown>>>(path, { ...query, Limit: limit, Offset: offset });
  for await (const item of pageRows(fetchPage, FRESH_POSITION, pageSize, key, false)) if (item.row) out.push(item.row);
  return out;
}

/**
 * Reads list streams one after the other from their checkpoint positions, in batches of
 * `request.batchSize` rows, each batch sealed with the positions of every stream. Mid-pass a
 * position is `{ since, offset, passServerDateTime }`; at the end of a pass it becomes the
 * watermark `{ since: serverDateTime − 1 s, offset: 0 }`, which the engine saves as the next
 * run's start (an empty batch carries it when the pass ended on an empty page).
 */
export async function* readStreams(
  client: OpenDentalApiClient, streams: ListStream[], request: ReadRequest, pageSize: number,
  map: RowMapper, signal?: AbortSignal,
): AsyncGenerator<ReadBatch> {
  const checkpoint = parseCheckpoint(request.checkpoint);
  let remaining = request.limit;
  for (const stream of streams) {
    if (remaining !== undefined && remaining <= 0) return;
    const start: StreamPosition = checkpoint.streams[stream.name] ?? FRESH_POSITION;
    const since = stream.incremental ? start.since : null;
    const fetchPage = (offset: number, limit: number) => client.get<Array<Record<string, unknown>>>(stream.path, {
      ...stream.query, ...(since ? { DateTStamp: since } : {}), Limit: limit, Offset: offset,
    });
    let batch = emptyBatch();
    let saved = JSON.stringify(start);
    for await (const item of pageRows(fetchPage, start, pageSize, stream.key, stream.incremental)) {
      checkpoint.streams[stream.name] = item.position;
      if (item.row) {
        const row = item.row;
        const count = await collect(batch, String(row[stream.key]), () => map(row));
        if (remaining !== undefined) remaining -= count;
      }
      const full = batch.fetched >= request.batchSize || (remaining !== undefined && remaining <= 0);
      const moved = JSON.stringify(item.position) !== saved;
      if (full || (item.row === null && batch.fetched === 0 && moved)) {
        yield seal(batch, checkpoint);
        saved = JSON.stringify(item.position);
        batch = emptyBatch();
      }
      if ((remaining !== undefined && remaining <= 0) || signal?.aborted) break;
    }
    if (batch.fetched > 0) yield seal(batch, checkpoint);
    if (signal?.aborted) return;
  }
}
