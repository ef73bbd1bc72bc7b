import { completed, FRESH_POSITION, PagedItem, pageRows, StreamPosition } from './paged-stream';

/** A fake list endpoint over `table` (rows ordered by key), recording each request's Offset and Limit. */
function endpoint(table: Array<Record<string, unknown>>) {
  const calls: Array<[number, number]> = [];
  return { calls, fetchPage: async (offset: number, limit: number) => (calls.push([offset, limit]), table.slice(offset, offset + limit)) };
}

const rows = (n: number, serverDateTime = '2026-03-02 10:00:05') => Array.from({ length: n }, (_, i) => ({ PatNum: i + 1, serverDateTime }));

async function drain(gen: AsyncGenerator<PagedItem>, stopAfter = Infinity): Promise<{ ids: number[]; last: StreamPosition | null }> {
  const ids: number[] = [];
  let last: StreamPosition | null = null;
  for await (const item of gen) {
    if (item.row) ids.push(Number(item.row.PatNum));
    last = item.position;
    if (ids.length >= stopAfter) break;
  }
  return { ids, last };
}

describe('pageRows', () => {
  it('stops on the short page; an exact multiple ends with an empty page', async () => {
    const short = endpoint(rows(25));
    expect((await drain(pageRows(short.fetchPage, FRESH_POSITION, 10, 'PatNum', true))).ids).toHaveLength(25);
    expect(short.calls).toEqual([[0, 10], [10, 10], [20, 10]]);
    const exact = endpoint(rows(20));
    const { ids, last } = await drain(pageRows(exact.fetchPage, FRESH_POSITION, 10, 'PatNum', true));
    expect(ids).toHaveLength(20);
    expect(exact.calls).toEqual([[0, 10], [10, 10], [20, 10]]);
    expect(last).toEqual({ since: '2026-03-02 10:00:04', offset: 0, passServerDateTime: null, recent: [] });
  });

  it('mid-pass positions hold the offset and the pass serverDateTime; the last row carries the watermark', async () => {
    const items: PagedItem[] = [];
    for await (const item of pageRows(endpoint(rows(12)).fetchPage, { ...FRESH_POSITION, since: '2026-03-01 00:00:00' }, 10, 'PatNum', true)) items.push(item);
    expect(items[4].position).toMatchObject({ since: '2026-03-01 00:00:00', offset: 5, passServerDateTime: '2026-03-02 10:00:05' });
    expect(items.at(-1)!.position).toEqual({ since: '2026-03-02 10:00:04', offset: 0, passServerDateTime: null, recent: [] });
  });

  it('with 100 per page, each page starts 5 rows early and drops rows already read', async () => {
    const api = endpoint(rows(250));
    const { ids } = await drain(pageRows(api.fetchPage, FRESH_POSITION, 100, 'PatNum', true));
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(api.calls).toEqual([[0, 100], [95, 100], [190, 100]]);
  });

  it('rows removed before the offset between pages do not make the pass skip rows', async () => {
    const table = rows(250);
    const api = endpoint(table);
    const first = await drain(pageRows(api.fetchPage, FRESH_POSITION, 100, 'PatNum', true), 100);
    table.splice(10, 3); // three rows the pass already read are hard-deleted
    const rest = await drain(pageRows(api.fetchPage, first.last!, 100, 'PatNum', true));
    expect(new Set([...first.ids, ...rest.ids]).size).toBe(250);
  });

  it('a non-incremental stream never keeps a since', () => {
    expect(completed({ since: null, offset: 40, passServerDateTime: '2026-03-02 10:00:05', recent: ['1'] }, false)).toEqual({ since: null, offset: 0, passServerDateTime: null, recent: [] });
  });
});
