import { Logger } from '@nestjs/common';
import { AdapterContext, ProviderAdapter, ResourceType } from '../../providers/provider-adapter';
import { ProviderException } from '../../providers/provider.exception';
import { CountMismatch, ResourceCountMismatch } from '../integrations/integration.entity';
import { ResourceProgress, SyncJob } from './sync-job.entity';

/**
 * The source's count of `resource` before a full read (the adapter's optional `counts`
 * capability), or null when the adapter cannot count it. Taken before the read so that it sees
 * the source as the read does: rows added while the read runs are in neither. A vendor failure
 * is logged and gives null: the sync goes on, and this resource is not compared.
 * @throws whatever is not a ProviderException (a bug, not the vendor).
 */
export async function countAtSource(adapter: ProviderAdapter, ctx: AdapterContext, resource: ResourceType, logger: Logger): Promise<number | null> {
  if (!adapter.counts) return null;
  try {
    return await adapter.counts.countSource(ctx, resource);
  } catch (error) {
    if (!(error instanceof ProviderException)) throw error;
    logger.warn({ integrationId: ctx.integrationId, resource, code: error.code }, 'source count failed; the resource is not compared');
    return null;
  }
}

/** Resources of a job whose `sourceCount` and `stored` differ (none unless the job counted). */
export function countMismatches(progress: Record<string, ResourceProgress>): ResourceCountMismatch[] {
  return Object.entries(progress)
    .filter(([, p]) => p.sourceCount !== undefined && p.stored !== undefined && p.sourceCount !== p.stored)
    .map(([resource, p]) => ({ resource, sourceCount: p.sourceCount!, stored: p.stored! }));
}

/**
 * The count reconciliation of a finished job, as `IntegrationsService.markSynced` takes it:
 * undefined when nothing was compared (an incremental job, or no resource counted), null when
 * every counted resource agrees, otherwise the mismatch with a PHI-free message.
 */
export function reconcileCounts(job: SyncJob, at: Date): CountMismatch | null | undefined {
  if (job.mode !== 'full' || !Object.values(job.progress).some((p) => p.sourceCount !== undefined)) return undefined;
  const resources = countMismatches(job.progress);
  if (resources.length === 0) return null;
  const list = resources.map((r) => `${r.resource} (source ${r.sourceCount}, stored ${r.stored})`).join(', ');
  return { syncJobId: job.id, at: at.toISOString(), message: `Counts disagree after full sync ${job.id}: ${list}`.slice(0, 400), resources };
}
