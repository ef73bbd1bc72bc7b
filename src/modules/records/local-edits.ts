import { validateCanonicalFields } from '../../canonical';
import type { FieldError } from '../../common/validation';
import type { ResourceType } from '../../providers/provider-adapter';
import { RecordsException, RecordsExceptionCode } from './records.exception';

/** Who made a local edit: the API key (or the system, for a conflict resolution). */
export interface EditActor {
  actorType: 'api_key' | 'system';
  actorId: string;
}

/** One locally edited field as `records.local_data` stores it under the field's name. */
export interface LocalEdit {
  /** The local value, served instead of the source value. */
  value: unknown;
  /** The source value the edit started from (the three-way base), and when it was synced. */
  base: unknown;
  baseAt: string | null;
  editedAt: string;
  editedBy: EditActor;
}

/** `records.local_data`: local edits by top-level canonical field. */
export type LocalData = Record<string, LocalEdit>;

/** The resources that take local edits (`PATCH /api/v1/<resource>/:id`). */
export const EDITABLE_RESOURCES: readonly ResourceType[] = ['patients', 'appointments'];

/** Fields of the record envelope: never editable. */
const ENVELOPE = ['id', 'resourceType', 'integrationId', 'externalId', 'patientId', 'version', 'deletedAt', 'createdAt', 'updatedAt', 'source', 'raw', 'link', 'edits', 'data'];

/**
 * Canonical fields a local edit may not change: the vendor's verbatim codes, the source's keys
 * (identifiers, the SSN's last four, which come from encrypted source data) and an appointment's
 * patient links (the store links records by them).
 */
const READ_ONLY: Partial<Record<ResourceType, string[]>> = {
  patients: ['sourceStatus', 'identifiers', 'ssnLast4'],
  appointments: ['sourceStatus', 'sourceConfirmation', 'patient', 'participants'],
};

/**
 * Checks the body of `PATCH /api/v1/<resource>/:id`: a non-empty object of top-level canonical
 * fields of the resource, none read-only, each value of its canonical type.
 * @throws RecordsException INVALID_EDIT (400) with `details: FieldError[]` naming each field.
 */
export function parseEdit(resource: ResourceType, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ field: 'body', errors: ['body must be an object of canonical fields'] }]);
  const fields = body as Record<string, unknown>;
  if (!Object.keys(fields).length) throw invalid([{ field: 'body', errors: ['body must change at least one field'] }]);
  const readOnly = new Set([...ENVELOPE, ...(READ_ONLY[resource] ?? [])]);
  const errors: FieldError[] = Object.keys(fields).filter((f) => readOnly.has(f)).map((f) => ({ field: f, errors: [`${f} is read-only`] }));
  const rest = Object.fromEntries(Object.entries(fields).filter(([f]) => !readOnly.has(f)));
  for (const p of validateCanonicalFields(resource, rest)) errors.push({ field: p.path, errors: [`${p.path} ${p.message}`] });
  if (errors.length) throw invalid(errors);
  return fields;
}

function invalid(details: FieldError[]): RecordsException {
  return new RecordsException(RecordsExceptionCode.INVALID_EDIT, `Validation failed: ${details.map((d) => d.errors.join(', ')).join('; ')}`, details);
}

/** The weak entity tag of a record version (RFC 9110 §8.8.3): `W/"<version>"`. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * The versions an `If-Match` header names (`W/"3"`, `"3"`, or a comma-separated list of them;
 * the weak prefix is accepted because our tags are weak and carry only the version).
 * @throws RecordsException PRECONDITION_REQUIRED (428) when the header is missing, `*`, or names no version.
 */
export function ifMatchVersions(header: string | undefined): number[] {
  const versions = (header ?? '').split(',').map((t) => /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(t)?.[1]).filter((v): v is string => !!v).map(Number);
  if (!versions.length) {
    throw new RecordsException(RecordsExceptionCode.PRECONDITION_REQUIRED, 'If-Match must carry the ETag of the record (W/"<version>") from its GET');
  }
  return versions;
}

/** One edited field as responses show it (FieldEditDto). */
export interface FieldEditView {
  local: unknown;
  source: unknown;
  base: unknown;
  baseAt: string | null;
  editedAt: string;
  editedBy: EditActor;
}

/** Per edited field: the local value, the source's current value (`sourceData`) and the base. */
export function editsView(localData: LocalData | null, sourceData: Record<string, unknown> | null): Record<string, FieldEditView> {
  const out: Record<string, FieldEditView> = {};
  for (const [field, e] of Object.entries(localData ?? {})) {
    out[field] = { local: e.value, source: sourceData?.[field] ?? null, base: e.base ?? null, baseAt: e.baseAt ?? null, editedAt: e.editedAt, editedBy: e.editedBy };
  }
  return out;
}
