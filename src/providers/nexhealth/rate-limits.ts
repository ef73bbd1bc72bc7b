import { RateWindow } from '../common/shared-throttle';

/**
 * NexHealth's limits per API key (§3 [NEX-RL]), as the client paces itself. Defaults are 90%
 * of the published numbers so arrival jitter between our clock (Redis) and NexHealth's never
 * tips a window over: 100 req/s → 90, 10 req/s for appointments and slots → 9,
 * 1,000 req/min for patients and appointments → 900, 2,000 req/min for the rest → 1,800.
 */
export interface NexHealthClientLimits {
  perSecond: number;
  appointmentsPerSecond: number;
  patientsAppointmentsPerMinute: number;
  otherPerMinute: number;
}

export const DEFAULT_CLIENT_LIMITS: NexHealthClientLimits = { perSecond: 90, appointmentsPerSecond: 9, patientsAppointmentsPerMinute: 900, otherPerMinute: 1800 };

/** The windows one request counts in, by method and path (`/appointments`, `/patients/12/documents`…). */
export function windowsFor(method: string, path: string, limits: NexHealthClientLimits): RateWindow[] {
  const resource = /^\/([a-z_]+)/.exec(path)?.[1] ?? '';
  const windows: RateWindow[] = [{ name: 'second', limit: limits.perSecond, windowMs: 1000 }];
  const listing = method === 'GET' && ((resource === 'appointments' && !/^\/appointments\/\d+/.test(path)) || resource === 'available_slots' || resource === 'appointment_slots');
  if (listing) windows.push({ name: 'appointments-second', limit: limits.appointmentsPerSecond, windowMs: 1000 });
  if (resource === 'patients' || resource === 'appointments') windows.push({ name: 'patients-appointments-minute', limit: limits.patientsAppointmentsPerMinute, windowMs: 60_000 });
  else windows.push({ name: 'other-minute', limit: limits.otherPerMinute, windowMs: 60_000 });
  return windows;
}
