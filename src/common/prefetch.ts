/**
 * Iterates `source` one item ahead: while the caller processes item N, item N+1 is already
 * being fetched. For a sync this overlaps reading the vendor with writing Postgres.
 * Returning early (break/throw) closes the source.
 */
export async function* prefetch<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  try {
    while (true) {
      const current = await pending;
      if (current.done) return;
      pending = iterator.next();
      // A rejection of the look-ahead is surfaced on the next await, not as an unhandled rejection.
      pending.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await pending.catch(() => undefined);
    await iterator.return?.();
  }
}
