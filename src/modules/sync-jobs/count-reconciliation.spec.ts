import { Logger } from '@nestjs/common';
import { AdapterContext, ProviderAdapter } from '../../providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { countAtSource, reconcileCounts } from './count-reconciliation';
import { emptyProgress, ResourceProgress, SyncJob } from './sync-job.entity';

const ctx = { integrationId: 'i-1' } as AdapterContext;
const logger = { warn: jest.fn() } as unknown as Logger;
const at = new Date('2026-12-03T10:00:00Z');

function job(mode: 'full' | 'incremental', progress: Record<string, Partial<ResourceProgress>>): SyncJob {
  return { id: 'job-1', mode, progress: Object.fromEntries(Object.entries(progress).map(([r, p]) => [r, { ...emptyProgress(), done: true, ...p }])) } as SyncJob;
}

describe('count reconciliation', () => {
  it('compares full jobs only, and only resources that were counted', () => {
    expect(reconcileCounts(job('incremental', { patients: { stored: 3, sourceCount: 4 } }), at)).toBeUndefined();
    expect(reconcileCounts(job('full', { patients: { stored: 3 } }), at)).toBeUndefined();
    expect(reconcileCounts(job('full', { patients: { stored: 3, sourceCount: 3 }, coverages: { stored: 9 } }), at)).toBeNull();
  });

  it('names every resource whose counts differ, in a message without data', () => {
    const mismatch = reconcileCounts(job('full', { patients: { stored: 149, sourceCount: 150 }, providers: { stored: 5, sourceCount: 5 }, locations: { stored: 9, sourceCount: 8 } }), at);
    expect(mismatch).toEqual({
      syncJobId: 'job-1', at: at.toISOString(),
      resources: [{ resource: 'patients', sourceCount: 150, stored: 149 }, { resource: 'locations', sourceCount: 8, stored: 9 }],
      message: 'Counts disagree after full sync job-1: patients (source 150, stored 149), locations (source 8, stored 9)',
    });
  });

  it('asks the adapter only when it can count; a vendor failure gives no count, a bug is thrown', async () => {
    const adapter = (countSource?: () => Promise<number | null>) => ({ counts: countSource ? { countSource } : undefined }) as unknown as ProviderAdapter;
    expect(await countAtSource(adapter(), ctx, 'patients', logger)).toBeNull();
    expect(await countAtSource(adapter(async () => 42), ctx, 'patients', logger)).toBe(42);
    const down = adapter(async () => { throw new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, 'OpenDental database unreachable'); });
    expect(await countAtSource(down, ctx, 'patients', logger)).toBeNull();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ resource: 'patients', code: ProviderExceptionCode.CONNECTION_FAILED }), expect.any(String));
    await expect(countAtSource(adapter(async () => { throw new TypeError('bug'); }), ctx, 'patients', logger)).rejects.toThrow(TypeError);
  });
});
