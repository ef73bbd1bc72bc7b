import type { Address, ContactPoint, HumanName, Period } from '../../../canonical';
import { ADDRESS_USE, CONTACT_POINT_SYSTEM, CONTACT_POINT_USE, NAME_USE } from '../../../canonical';

/**
 * Canonical data types as FHIR R4 JSON (http://hl7.org/fhir/R4/datatypes.html). FHIR allows no
 * empty strings, arrays or objects: every helper drops them, and returns `undefined` when
 * nothing is left so the caller leaves the element out.
 */

/** A JSON object of FHIR elements. */
export type FhirObject = { [key: string]: FhirValue };
export type FhirValue = string | number | boolean | FhirObject | FhirValue[] | undefined;

/**
 * `value` when it is one of the value set's codes, else undefined: a stored record may carry a
 * code from before the canonical model (a vendor's own), and FHIR's required bindings refuse it.
 */
export function code<T extends string>(valueSet: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (valueSet as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** `value` when it is an array, else an empty one (a stored record of an older shape may hold anything). */
export function arr<T>(value: T[] | null | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is a non-blank string, else undefined. */
export function str(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A non-empty array of the non-blank strings of `values`, else undefined. */
export function strs(values: Array<string | null | undefined> | null | undefined): string[] | undefined {
  const kept = arr(values).filter((v): v is string => str(v) !== undefined);
  return kept.length ? kept : undefined;
}

/** The array, or undefined when it is empty. */
export function some<T>(values: T[]): T[] | undefined {
  return values.length ? values : undefined;
}

/** `obj` without undefined members, or undefined when nothing is left. */
export function compact(obj: FhirObject): FhirObject | undefined {
  const out: FhirObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** A FHIR date (`yyyy`, `yyyy-MM`, `yyyy-MM-dd`) or undefined. */
export function date(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? value : undefined;
}

/** A FHIR instant (UTC, with `Z`) of a parseable date-time, or undefined. */
export function instant(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** A CodeableConcept of one coding, or of text only when `code` is missing. */
export function concept(system: string, code: string | null | undefined, text?: string | null): FhirObject | undefined {
  const c = str(code);
  return compact({ coding: c ? [{ system, code: c }] : undefined, text: str(text) });
}

/** http://hl7.org/fhir/R4/datatypes.html#HumanName (names with no part at all are dropped). */
export function humanNames(names: HumanName[] | null | undefined): FhirObject[] | undefined {
  const out: FhirObject[] = [];
  for (const n of arr(names)) {
    if (!n || typeof n !== 'object') continue;
    const body = compact({ text: str(n.text), family: str(n.family), given: strs(n.given), prefix: strs(n.prefix), suffix: strs(n.suffix) });
    if (body) out.push({ use: code(NAME_USE, n.use), ...body });
  }
  return some(out);
}

/** http://hl7.org/fhir/R4/datatypes.html#ContactPoint (`rank` kept only when a positive integer). */
export function contactPoints(points: ContactPoint[] | null | undefined): FhirObject[] | undefined {
  return some(arr(points).filter((p) => p && str(p.value) && code(CONTACT_POINT_SYSTEM, p.system)).map((p) => compact({
    system: p.system, value: p.value, use: code(CONTACT_POINT_USE, p.use), rank: Number.isInteger(p.rank) && (p.rank ?? 0) > 0 ? p.rank ?? undefined : undefined,
  }) as FhirObject));
}

/** http://hl7.org/fhir/R4/datatypes.html#Address */
export function address(a: Address | null | undefined): FhirObject | undefined {
  if (!a || typeof a !== 'object') return undefined;
  const body = compact({ line: strs(a.line), city: str(a.city), state: str(a.state), postalCode: str(a.postalCode), country: str(a.country) });
  return body && { use: code(ADDRESS_USE, a.use), ...body };
}

/** http://hl7.org/fhir/R4/datatypes.html#Period (dates or instants), or undefined when both ends are open. */
export function period(p: Period | null | undefined): FhirObject | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const end = (v: string | null) => date(v) ?? instant(v);
  return compact({ start: end(p.start), end: end(p.end) });
}
