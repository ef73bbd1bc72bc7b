import type { Address, ContactPoint, HumanName, Identifier, RecordLink } from './datatypes';
import type { ContactPointUse, IdentifierType, NameUse } from './value-sets';

/**
 * Small constructors mappers share so every vendor spells the canonical data types alike
 * (http://hl7.org/fhir/R4/datatypes.html). Pure and allocation-light: the sync maps every row
 * through them (bench:sync measures it).
 */

/** A link to another record by the source's key, or null when there is none. */
export function link(externalId: string | null | undefined): RecordLink | null {
  return externalId ? { externalId } : null;
}

/**
 * A HumanName; `given` keeps first then middle names, blanks dropped. `text` is the given
 * names and family joined by spaces (null when all are empty).
 */
export function humanName(use: NameUse, family: string | null, given: Array<string | null>, prefix: Array<string | null> = [], suffix: Array<string | null> = []): HumanName {
  const givens = present(given);
  let text = givens.length ? givens.join(' ') : '';
  if (family) text = text ? `${text} ${family}` : family;
  return { use, family, given: givens, prefix: present(prefix), suffix: present(suffix), text: text || null };
}

/** The non-empty strings of a list, in order (a plain loop: mappers call this for every row). */
function present(values: Array<string | null>): string[] {
  const out: string[] = [];
  for (const v of values) if (v) out.push(v);
  return out;
}

/**
 * Phones as FHIR ContactPoints ranked 1..n in the order given (the caller lists them by
 * preference), blanks skipped; then the e-mail (`system: email`, no rank) when present.
 */
export function telecom(phones: Array<[ContactPointUse | null, string | null]>, email: string | null): ContactPoint[] {
  const out: ContactPoint[] = [];
  let rank = 0;
  for (const [use, value] of phones) {
    if (value) out.push({ system: 'phone', value, use, rank: ++rank });
  }
  if (email) out.push({ system: 'email', value: email, use: null, rank: null });
  return out;
}

/** An Address, or null when every part is empty. */
export function address(use: Address['use'], lines: Array<string | null>, city: string | null, state: string | null, postalCode: string | null, country: string | null): Address | null {
  const line = present(lines);
  if (!line.length && !city && !state && !postalCode && !country) return null;
  return { use, line, city, state, postalCode, country };
}

/** Identifiers from `[system, value, type]` triples, blanks skipped. */
export function identifiers(entries: Array<[string, string | null, IdentifierType | null]>): Identifier[] {
  const out: Identifier[] = [];
  for (const [system, value, type] of entries) if (value) out.push({ system, value, type });
  return out;
}

/** The rank-1 phone of a telecom list (the preferred number), or null. */
export function preferredPhone(points: readonly ContactPoint[]): string | null {
  let best: ContactPoint | null = null;
  for (const p of points) if (p.system === 'phone' && (best === null || (p.rank ?? Infinity) < (best.rank ?? Infinity))) best = p;
  return best?.value ?? null;
}

/** The e-mail address of a telecom list, or null. */
export function emailOf(points: readonly ContactPoint[]): string | null {
  return points.find((p) => p.system === 'email')?.value ?? null;
}

/** The `official` name (or the first one) of a names list. */
export function officialName(names: readonly HumanName[]): HumanName | null {
  return names.find((n) => n.use === 'official') ?? names[0] ?? null;
}
