import {
  ADDRESS_USE, AddressUse, Address, CONTACT_POINT_SYSTEM, CONTACT_POINT_USE, ContactPoint, ContactPointSystem, ContactPointUse, HumanName,
  IDENTIFIER_TYPE, IdentifierType, NAME_USE, NameUse, Period, RecordLink,
} from '../../../canonical';

/**
 * Readers of FHIR R4 data types (http://hl7.org/fhir/R4/datatypes.html) shared by the mappers.
 * Every reader takes `unknown`: servers send what they send, and a wrong type is treated as absent.
 */

type Json = Record<string, unknown>;

/** The value as an object, or null. */
export function obj(value: unknown): Json | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

/** The value as an array of objects (non-objects dropped). */
export function objs(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj).filter((v): v is Json => v !== null) : [];
}

/** A trimmed non-empty string, or null. */
export function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str).filter((v): v is string => v !== null) : [];
}

function oneOf<T extends string>(list: readonly T[], value: unknown): T | null {
  return typeof value === 'string' && (list as readonly string[]).includes(value) ? (value as T) : null;
}

/** A FHIR `date` (`yyyy`, `yyyy-MM` or `yyyy-MM-dd`) as `yyyy-MM-dd` when complete, else null. */
export function date(value: unknown): string | null {
  const s = str(value);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
}

/** A FHIR `instant`/`dateTime` with offset as ISO UTC (`…Z`); a bare date stays `yyyy-MM-dd`; unreadable → null. */
export function instant(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** http://hl7.org/fhir/R4/datatypes.html#Period. */
export function period(value: unknown): Period {
  const p = obj(value);
  return { start: instant(p?.start), end: instant(p?.end) };
}

/** True when a Period has ended before `now` (an old name, phone or address). */
export function ended(value: unknown, now: number): boolean {
  const end = str(obj(value)?.end);
  return end !== null && !Number.isNaN(Date.parse(end)) && Date.parse(end) < now;
}

/** Preference of name uses when choosing the primary name: official, usual, no use, then the rest. */
const NAME_ORDER: Array<NameUse | null> = ['official', 'usual', null, 'temp', 'anonymous', 'nickname', 'maiden', 'old'];

/**
 * HumanName list (http://hl7.org/fhir/R4/datatypes.html#HumanName): current names first in the
 * order official, usual, without `use`, …; a name whose period ended is reported as `old`.
 */
export function names(value: unknown, now: number): HumanName[] {
  const list = objs(value).map((n) => {
    const use = ended(n.period, now) ? 'old' : oneOf(NAME_USE, n.use);
    return { name: { use: use ?? 'usual', family: str(n.family), given: strs(n.given), prefix: strs(n.prefix), suffix: strs(n.suffix), text: str(n.text) } as HumanName, rank: NAME_ORDER.indexOf(use) };
  });
  return list.filter((n) => n.name.family || n.name.given.length || n.name.text).sort((a, b) => a.rank - b.rank).map((n) => n.name);
}

/** The name to display: the primary name's text, else given + family. */
export function displayName(list: HumanName[], preferredGiven: string | null = null): string | null {
  const primary = list[0];
  if (!primary) return null;
  const composed = [preferredGiven ?? primary.given[0], primary.family].filter(Boolean).join(' ');
  return composed || primary.text;
}

/**
 * ContactPoint list (http://hl7.org/fhir/R4/datatypes.html#ContactPoint): entries with
 * `use = old` or an ended period are dropped; the rest are sorted by `rank` (1 = preferred,
 * unranked after ranked) keeping the source order among equals.
 */
export function telecom(value: unknown, now: number): ContactPoint[] {
  return objs(value)
    .map((t, order) => ({ t, order }))
    .filter(({ t }) => str(t.value) !== null && t.use !== 'old' && !ended(t.period, now))
    .map(({ t, order }) => ({
      point: { system: (oneOf(CONTACT_POINT_SYSTEM, t.system) ?? 'other') as ContactPointSystem, value: str(t.value)!, use: oneOf<ContactPointUse>(CONTACT_POINT_USE, t.use), rank: typeof t.rank === 'number' && t.rank > 0 ? t.rank : null },
      order,
    }))
    .sort((a, b) => (a.point.rank ?? Number.MAX_SAFE_INTEGER) - (b.point.rank ?? Number.MAX_SAFE_INTEGER) || a.order - b.order)
    .map((x) => x.point);
}

/** One Address (http://hl7.org/fhir/R4/datatypes.html#Address), or null when it has nothing. */
export function address(value: unknown): Address | null {
  const a = obj(value);
  if (!a) return null;
  const result: Address = { use: oneOf<AddressUse>(ADDRESS_USE, a.use), line: strs(a.line), city: str(a.city), state: str(a.state), postalCode: str(a.postalCode), country: str(a.country) };
  return result.line.length || result.city || result.state || result.postalCode ? result : null;
}

/** Current addresses (not `old`, period not ended), `home` first. */
export function addresses(value: unknown, now: number): Address[] {
  return objs(value)
    .filter((a) => a.use !== 'old' && !ended(a.period, now))
    .map(address)
    .filter((a): a is Address => a !== null)
    .sort((a, b) => Number(b.use === 'home') - Number(a.use === 'home'));
}

/** The HL7 v2-0203 identifier type code of an Identifier (`type.coding[].code`), when it is one we know. */
export function identifierType(identifier: Json): IdentifierType | null {
  for (const coding of objs(obj(identifier.type)?.coding)) {
    const code = oneOf(IDENTIFIER_TYPE, coding.code);
    if (code) return code;
  }
  return null;
}

/**
 * A Reference (http://hl7.org/fhir/R4/references.html) to `Type/id` as a RecordLink to the
 * logical id, when it names one of `types`. Absolute URLs and `_history` suffixes are accepted;
 * a reference with only `display` or `identifier` gives null.
 */
export function link(value: unknown, ...types: string[]): RecordLink | null {
  const ref = refParts(value);
  return ref && types.includes(ref.type) ? { externalId: ref.id } : null;
}

/** `{ type, id }` of a literal reference, or null. */
export function refParts(value: unknown): { type: string; id: string } | null {
  const reference = str(obj(value)?.reference);
  if (!reference || reference.startsWith('#')) return null;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? { type: m[1], id: m[2] } : null;
}

/** The first coding's `code` of a CodeableConcept (optionally of one system), else its text. */
export function conceptCode(value: unknown, system?: string): string | null {
  const concept = obj(value);
  const coding = objs(concept?.coding).find((c) => !system || c.system === system);
  return str(coding?.code) ?? (system ? null : str(concept?.text));
}
