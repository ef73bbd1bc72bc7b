import { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a pooled client: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is thrown again), and the client always goes back to the pool, or is
 * destroyed when its connection broke (a PostgreSQL restart or failover mid-transaction: the
 * connection's 'error' event is caught here, never left to end the process, and the next
 * transaction gets a fresh connection).
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
