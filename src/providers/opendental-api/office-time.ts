import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/**
 * Office-local times as OpenDental writes them (`yyyy-MM-dd HH:mm:ss`, no offset, §1.2) and
 * their conversion from instants in the integration's `timeZone`.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The office-local `yyyy-MM-dd HH:mm:ss` of an instant. */
export function instantToLocal(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * An appointment time for OpenDental: an office-local `yyyy-MM-dd HH:mm[:ss]` (also with `T`)
 * is kept as written; an ISO instant with `Z` or an offset is converted into `timeZone`.
 * @throws ProviderException UNSUPPORTED (a caller error) for anything else.
 */
export function toOfficeLocal(value: string, timeZone: string): string {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (local) return `${local[1]} ${local[2]}:${local[3]}:${local[4] ?? '00'}`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return instantToLocal(instant, timeZone);
  }
  throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, 'Date-time must be office-local "yyyy-MM-dd HH:mm:ss" or an ISO 8601 instant with an offset');
}

/** `yyyy-MM-dd HH:mm:ss` minus whole seconds (wall-time arithmetic, no zone). */
export function minusSeconds(local: string, seconds: number): string {
  const t = Date.parse(`${local.replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) return local;
  return new Date(t - seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
