import type { FhirResource } from '../../providers/fhir/fhir-types';
import { FhirSandboxError } from './fhir-error';
import { FhirSandboxProfile, SandboxResourceType } from './profiles';

const PREFIXES = ['ge', 'gt', 'le', 'lt', 'eq'] as const;

/** Date filters (`ge2026-01-01T00:00:00Z`…) as predicates over epoch ms. @throws FhirSandboxError 400 on a bad value. */
export function dateFilters(name: string, values: string[]): Array<(ms: number) => boolean> {
  return values.map((raw) => {
    const prefix = PREFIXES.find((p) => raw.startsWith(p)) ?? 'eq';
    const at = Date.parse(raw.startsWith(prefix) ? raw.slice(prefix.length) : raw);
    if (Number.isNaN(at)) throw new FhirSandboxError(400, 'invalid', `${name} value is not a date: ${raw.slice(0, 40)}`);
    return { ge: (ms: number) => ms >= at, gt: (ms: number) => ms > at, le: (ms: number) => ms <= at, lt: (ms: number) => ms < at, eq: (ms: number) => ms === at }[prefix];
  });
}

/** Search parameters (besides `_lastUpdated`, paging and tenancy) each type understands. */
const TYPE_PARAMS: Record<SandboxResourceType, readonly string[]> = {
  Patient: ['_id', 'identifier', 'family', 'given', 'birthdate'], Practitioner: ['_id', 'identifier'], Location: ['_id'],
  Appointment: ['_id', 'patient', 'date', 'location', 'practitioner'], Coverage: ['_id', 'patient'], DocumentReference: ['_id', 'patient'],
};

const ref = (value: unknown): string | null => (value && typeof value === 'object' && typeof (value as { reference?: unknown }).reference === 'string' ? (value as { reference: string }).reference : null);

function actors(r: FhirResource): string[] {
  return ((r.participant as Array<{ actor?: unknown }> | undefined) ?? []).map((p) => ref(p.actor)).filter((x): x is string => !!x);
}

function patientRefs(r: FhirResource): string[] {
  if (r.resourceType === 'Appointment') return actors(r).filter((a) => a.startsWith('Patient/'));
  return [ref(r.beneficiary), ref(r.subject)].filter((x): x is string => !!x);
}

/** `Patient/x` and bare `x` alike. */
function refIds(values: string[], type: string): Set<string> {
  return new Set(values.flatMap((v) => v.split(',')).map((v) => (v.startsWith(`${type}/`) ? v : `${type}/${v}`)));
}

/**
 * Checks a first page's query against the profile (tenancy parameter, known names, `_lastUpdated`
 * support, required combinations) and returns the filters it asks for.
 * @throws FhirSandboxError 400 naming the parameter that is unknown, missing or not allowed.
 */
export function queryFilters(q: Record<string, string[]>, type: SandboxResourceType, profile: FhirSandboxProfile, tenant: string): Array<(r: FhirResource) => boolean> {
  const tenancy = profile.tenancyParam;
  if (tenancy) {
    const expected = tenancy.template.replace('{tenant}', tenant);
    if (q[tenancy.name]?.[0] !== expected) throw new FhirSandboxError(400, 'required', `Search parameter ${tenancy.name} must be ${expected}`);
  }
  const given = new Set<string>();
  for (const name of Object.keys(q)) {
    if (name === profile.countParam || name === tenancy?.name) continue;
    if (name === '_lastUpdated') {
      if (!profile.lastUpdated.includes(type)) throw new FhirSandboxError(400, 'not-supported', `_lastUpdated is not supported on ${type}`);
      continue;
    }
    if (!TYPE_PARAMS[type].includes(name)) throw new FhirSandboxError(400, 'not-supported', `Search parameter ${name} is not supported`);
    given.add(name);
  }
  const combos = profile.required[type];
  if (combos && !combos.some((combo) => combo.every((n) => given.has(n)))) {
    throw new FhirSandboxError(400, 'required', `${type} search requires one of: ${combos.map((c) => c.join('+')).join(', ')}`);
  }
  const filters: Array<(r: FhirResource) => boolean> = [];
  if (q._id) {
    const ids = new Set(q._id.flatMap((v) => v.split(',')));
    filters.push((r) => ids.has(r.id ?? ''));
  }
  for (const f of dateFilters('_lastUpdated', q._lastUpdated ?? [])) filters.push((r) => f(Date.parse(r.meta?.lastUpdated ?? '')));
  for (const f of dateFilters('date', q.date ?? [])) filters.push((r) => typeof r.start === 'string' && f(Date.parse(r.start)));
  if (q.patient) {
    const wanted = refIds(q.patient, 'Patient');
    filters.push((r) => patientRefs(r).some((p) => wanted.has(p)));
  }
  for (const [name, target] of [['location', 'Location'], ['practitioner', 'Practitioner']] as const) {
    if (!q[name]) continue;
    const wanted = refIds(q[name], target);
    filters.push((r) => actors(r).some((a) => wanted.has(a)));
  }
  for (const [name, pick] of [['family', (n: { family?: string }) => [n.family]], ['given', (n: { given?: string[] }) => n.given ?? []]] as const) {
    if (!q[name]) continue;
    const wanted = q[name].map((v) => v.toLowerCase());
    filters.push((r) => ((r.name as Array<{ family?: string; given?: string[] }> | undefined) ?? []).some((n) => (pick as (x: typeof n) => Array<string | undefined>)(n).some((v) => !!v && wanted.some((w) => v.toLowerCase().startsWith(w)))));
  }
  if (q.birthdate) filters.push((r) => q.birthdate!.includes(String(r.birthDate)));
  if (q.identifier) {
    const wanted = new Set(q.identifier);
    filters.push((r) => ((r.identifier as Array<{ system?: string; value?: string }> | undefined) ?? []).some((i) => wanted.has(i.value ?? '') || wanted.has(`${i.system}|${i.value}`)));
  }
  return filters;
}
