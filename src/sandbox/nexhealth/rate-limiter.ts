import { NexHealthRateLimits } from './sandbox-options';

/** The window a request falls under, by method and path (§3 [NEX-RL]). */
export function rateWindows(method: string, path: string, limits: NexHealthRateLimits): Array<{ name: string; limit: number; windowMs: number }> {
  const windows = [{ name: 'second', limit: limits.perSecond, windowMs: 1000 }];
  const resource = /\/sandbox\/nexhealth\/([a-z_]+)/.exec(path)?.[1] ?? '';
  if (method === 'GET' && (resource === 'appointments' || resource === 'appointment_slots' || resource === 'available_slots') && !/\/appointments\/\d+/.test(path)) {
    windows.push({ name: 'appointments-second', limit: limits.appointmentsPerSecond, windowMs: 1000 });
  }
  if (resource === 'patients' || resource === 'appointments') windows.push({ name: 'patients-appointments-minute', limit: limits.patientsAppointmentsPerMinute, windowMs: 60_000 });
  else windows.push({ name: 'other-minute', limit: limits.otherPerMinute, windowMs: 60_000 });
  return windows.filter((w) => w.limit > 0);
}

/**
 * Sliding-window counters per API key, in this process's memory (the sandbox's data is
 * in-memory too). A refused request is not counted, so a client that waits gets in.
 */
export class SandboxRateLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Counts the request in every window when all have room; else returns the ms until one frees (nothing counted). */
  take(keyHash: string, windows: Array<{ name: string; limit: number; windowMs: number }>, now = Date.now()): number {
    let wait = 0;
    for (const w of windows) {
      const list = this.prune(`${keyHash}:${w.name}`, now - w.windowMs);
      if (list.length >= w.limit) wait = Math.max(wait, list[list.length - w.limit] + w.windowMs - now + 1);
    }
    if (wait > 0) return wait;
    for (const w of windows) this.hits.get(`${keyHash}:${w.name}`)!.push(now);
    return 0;
  }

  reset(): void {
    this.hits.clear();
  }

  private prune(key: string, cutoff: number): number[] {
    const list = this.hits.get(key) ?? [];
    let drop = 0;
    while (drop < list.length && list[drop] <= cutoff) drop++;
    if (drop) list.splice(0, drop);
    this.hits.set(key, list);
    return list;
  }
}
