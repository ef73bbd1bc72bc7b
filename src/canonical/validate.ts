import type { CanonicalRecord, ResourceType } from './index';
import {
  ADDRESS_USE, ADMINISTRATIVE_GENDER, APPOINTMENT_STATUS, CONTACT_POINT_SYSTEM, CONTACT_POINT_USE, COVERAGE_STATUS, COVERAGE_TYPE,
  DOCUMENT_REFERENCE_STATUS, IDENTIFIER_TYPE, LOCATION_KIND, LOCATION_STATUS, MARITAL_STATUS, NAME_USE, PARTICIPANT_TYPE,
  PARTICIPATION_STATUS, PATIENT_STATUS, PRACTITIONER_STATUS, SUBSCRIBER_RELATIONSHIP,
} from './value-sets';

/** One problem found in a canonical record: the JSON path (`data.telecom[0].use`) and what is wrong. */
export interface CanonicalProblem {
  path: string;
  message: string;
}

/**
 * What a field holds. `?` suffix = may be null. `date` = `yyyy-MM-dd`; `instant` = ISO 8601 UTC
 * with `Z`; `period` = `{start, end}` of dates or instants; a readonly string array = a code
 * inside that value set; an object = a nested shape; `[shape]` = an array of it.
 */
type Kind =
  | 'string' | 'string?' | 'number' | 'number?' | 'boolean' | 'boolean?' | 'date?' | 'instant?' | 'period' | 'strings'
  | { codes: readonly string[]; nullable: boolean }
  | { shape: Shape; nullable: boolean }
  | { list: Shape };
type Shape = Record<string, Kind>;

const code = (codes: readonly string[]): Kind => ({ codes, nullable: false });
const codeOrNull = (codes: readonly string[]): Kind => ({ codes, nullable: true });
const LINK: Shape = { externalId: 'string' };
const link: Kind = { shape: LINK, nullable: true };
const HUMAN_NAME: Shape = { use: code(NAME_USE), family: 'string?', given: 'strings', prefix: 'strings', suffix: 'strings', text: 'string?' };
const CONTACT_POINT: Shape = { system: code(CONTACT_POINT_SYSTEM), value: 'string', use: codeOrNull(CONTACT_POINT_USE), rank: 'number?' };
const ADDRESS: Shape = { use: codeOrNull(ADDRESS_USE), line: 'strings', city: 'string?', state: 'string?', postalCode: 'string?', country: 'string?' };
const IDENTIFIER: Shape = { system: 'string', value: 'string', type: codeOrNull(IDENTIFIER_TYPE) };

/** The field list of each canonical resource (src/canonical/*.ts), checked exactly: a missing or an extra field is a problem. */
const SHAPES: Record<ResourceType, Shape> = {
  patients: {
    names: { list: HUMAN_NAME }, preferredName: 'string?', displayName: 'string?', birthDate: 'date?', gender: codeOrNull(ADMINISTRATIVE_GENDER),
    status: codeOrNull(PATIENT_STATUS), sourceStatus: 'string?', telecom: { list: CONTACT_POINT }, addresses: { list: ADDRESS },
    identifiers: { list: IDENTIFIER }, ssnLast4: 'string?', deceased: 'boolean', deceasedDateTime: 'instant?',
    maritalStatus: codeOrNull(MARITAL_STATUS), language: 'string?', primaryProvider: link, primaryLocation: link, guarantor: link,
    firstVisitDate: 'date?',
  },
  providers: {
    names: { list: HUMAN_NAME }, displayName: 'string?', npi: 'string?', identifiers: { list: IDENTIFIER }, telecom: { list: CONTACT_POINT },
    status: code(PRACTITIONER_STATUS), sourceStatus: 'string?', specialtyCode: 'string?', isHygienist: 'boolean', abbreviation: 'string?',
    isHidden: 'boolean', terminationDate: 'date?',
  },
  locations: {
    kind: code(LOCATION_KIND), name: 'string?', abbreviation: 'string?', status: code(LOCATION_STATUS), partOf: link,
    address: { shape: ADDRESS, nullable: true }, telecom: { list: CONTACT_POINT }, isHygiene: 'boolean', isBookableOnline: 'boolean',
    defaultProvider: link, defaultHygienist: link, sortOrder: 'number?',
  },
  appointments: {
    status: codeOrNull(APPOINTMENT_STATUS), sourceStatus: 'string?', start: 'instant?', end: 'instant?', durationMinutes: 'number?',
    timeZone: 'string?', localStart: 'string?',
    participants: { list: { resourceType: code(['patients', 'providers', 'locations']), link: { shape: LINK, nullable: false }, type: code(PARTICIPANT_TYPE), status: code(PARTICIPATION_STATUS) } },
    patient: link, provider: link, location: link, appointmentType: link, confirmation: codeOrNull(['confirmed', 'unconfirmed']),
    sourceConfirmation: 'string?', comment: 'string?', description: 'string?', isNewPatient: 'boolean?', priority: code(['normal', 'asap']),
    arrivedAt: 'instant?', dismissedAt: 'instant?', cancelledAt: 'instant?',
  },
  coverages: {
    status: code(COVERAGE_STATUS), type: codeOrNull(COVERAGE_TYPE), beneficiary: link, subscriber: link, subscriberId: 'string?', memberId: 'string?',
    relationship: codeOrNull(SUBSCRIBER_RELATIONSHIP), sourceRelationship: 'string?', order: 'number?', period: 'period',
    payer: { shape: { externalId: 'string?', name: 'string?', electronicId: 'string?', phone: 'string?', address: { shape: ADDRESS, nullable: true } }, nullable: false },
    groupName: 'string?', groupNumber: 'string?', plan: link, planType: 'string?', assignmentOfBenefits: 'boolean?', releaseOfInformation: 'boolean?',
  },
  documents: {
    status: code(DOCUMENT_REFERENCE_STATUS), subject: link, description: 'string?', fileName: 'string?', contentType: 'string?', category: 'string?',
    sourceCategory: 'string?', date: 'instant?', author: link, toothNumbers: 'strings', comment: 'string?', url: 'string?',
  },
  balances: {
    guarantor: link, location: link, currency: 'string', total: 'number?', insuranceEstimate: 'number?', guarantorPortion: 'number?',
    writeOffEstimate: 'number?', aging: { shape: { under30: 'number?', days31to60: 'number?', days61to90: 'number?', over90: 'number?' }, nullable: false },
  },
};

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** True for a `yyyy-MM-dd` calendar date. */
export function isCanonicalDate(value: unknown): boolean {
  return typeof value === 'string' && DATE.test(value);
}

/** True for an ISO 8601 instant in UTC (`2026-12-01T15:00:00.000Z`) that parses. */
export function isCanonicalInstant(value: unknown): boolean {
  return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

function checkScalar(kind: Exclude<Kind, object>, value: unknown): string | null {
  const nullable = kind.endsWith('?');
  if (value === null) return nullable ? null : 'is null';
  if (value === undefined) return 'is missing';
  switch (kind.replace('?', '')) {
    case 'string': return typeof value === 'string' ? null : 'is not a string';
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? null : 'is not a finite number';
    case 'boolean': return typeof value === 'boolean' ? null : 'is not a boolean';
    case 'date': return isCanonicalDate(value) ? null : `is not a yyyy-MM-dd date: ${JSON.stringify(value)}`;
    case 'instant': return isCanonicalInstant(value) ? null : `is not a UTC ISO instant: ${JSON.stringify(value)}`;
    case 'strings': return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : 'is not a list of strings';
    case 'period': {
      const p = value as { start?: unknown; end?: unknown };
      if (typeof value !== 'object' || !('start' in p) || !('end' in p)) return 'is not a {start, end} period';
      const ok = (v: unknown) => v === null || isCanonicalDate(v) || isCanonicalInstant(v);
      return ok(p.start) && ok(p.end) ? null : 'has an end that is not a date or instant';
    }
    default: return `has an unknown kind ${kind}`;
  }
}

function checkShape(shape: Shape, value: unknown, path: string, out: CanonicalProblem[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push({ path, message: 'is not an object' });
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!(key in shape)) out.push({ path: `${path}.${key}`, message: 'is not a canonical field (vendor-only values belong in raw)' });
  for (const [key, kind] of Object.entries(shape)) checkKind(kind, obj[key], `${path}.${key}`, out);
}

function checkKind(kind: Kind, value: unknown, path: string, out: CanonicalProblem[]): void {
  if (value === undefined) {
    out.push({ path, message: 'is missing' });
  } else if (typeof kind === 'string') {
    const problem = checkScalar(kind as Exclude<Kind, object>, value);
    if (problem) out.push({ path, message: problem });
  } else if ('codes' in kind) {
    if (value === null && kind.nullable) return;
    if (typeof value !== 'string' || !kind.codes.includes(value)) out.push({ path, message: `${JSON.stringify(value)} is not in its value set (${kind.codes.join(', ')})` });
  } else if ('shape' in kind) {
    if (value === null && kind.nullable) return;
    checkShape(kind.shape, value, path, out);
  } else if (!Array.isArray(value)) {
    out.push({ path, message: 'is not a list' });
  } else {
    value.forEach((item, i) => checkShape(kind.list, item, `${path}[${i}]`, out));
  }
}

/**
 * Checks a mapped record against the canonical type of its resource (docs/canonical-model.md):
 * every field present with its type, no field the type does not have, every code inside its
 * value set (the const arrays of value-sets.ts), dates `yyyy-MM-dd`, instants UTC ISO strings;
 * ContactPoint ranks 1..n without gaps among phones; `externalId` a non-empty string.
 * Pure; returns an empty list for a valid record.
 */
export function validateCanonicalRecord(resource: ResourceType, record: CanonicalRecord): CanonicalProblem[] {
  const out: CanonicalProblem[] = [];
  if (typeof record.externalId !== 'string' || !record.externalId) out.push({ path: 'externalId', message: 'is not a non-empty string' });
  checkShape(SHAPES[resource], record.data, 'data', out);
  const telecom = (record.data as { telecom?: unknown }).telecom;
  if (Array.isArray(telecom)) {
    const ranks = telecom.filter((t: { system?: unknown }) => t.system === 'phone').map((t: { rank?: unknown }) => t.rank);
    if (ranks.some((r, i) => r !== i + 1)) out.push({ path: 'data.telecom', message: `phone ranks are not 1..n in order: ${JSON.stringify(ranks)}` });
  }
  return out;
}

/**
 * True when `path` (dotted, e.g. `telecom.value`, `addresses.city`, `birthDate`; arrays are
 * walked without an index; `throughLists` false refuses a path through a list) names a field
 * of the resource's canonical type.
 */
export function isCanonicalFieldPath(resource: ResourceType, path: string, throughLists = true): boolean {
  let shape: Shape | undefined = SHAPES[resource];
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const kind: Kind | undefined = shape && Object.hasOwn(shape, part) ? shape[part] : undefined;
    if (kind === undefined) return false;
    if (i === parts.length - 1) return true;
    if (!throughLists && typeof kind === 'object' && 'list' in kind) return false;
    shape = typeof kind === 'object' && 'list' in kind ? kind.list : typeof kind === 'object' && 'shape' in kind ? kind.shape : undefined;
  }
  return false;
}

/**
 * Checks a partial record (the body of a local edit): each given top-level field must be a field
 * of the resource's canonical type and hold a value of its type (the rules of
 * {@link validateCanonicalRecord}, paths without the `data.` prefix). Pure.
 */
export function validateCanonicalFields(resource: ResourceType, fields: Record<string, unknown>): CanonicalProblem[] {
  const out: CanonicalProblem[] = [];
  const shape = SHAPES[resource];
  for (const [key, value] of Object.entries(fields)) {
    if (!Object.hasOwn(shape, key)) out.push({ path: key, message: `is not a field of canonical ${resource}` });
    else checkKind(shape[key], value, key, out);
  }
  return out;
}
