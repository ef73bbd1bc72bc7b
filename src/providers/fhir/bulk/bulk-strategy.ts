/** Levels of `$export` a server serves (https://hl7.org/fhir/uv/bulkdata/export.html#endpoint). */
export type BulkExportLevel = 'system' | 'patient' | 'group';

/** `bulkExport` config: `auto` uses Bulk when the CapabilityStatement advertises it; `always`; `never` (paged search). */
export const BULK_EXPORT_MODES = ['auto', 'always', 'never'] as const;
export type BulkExportMode = (typeof BULK_EXPORT_MODES)[number];

/** Types in the Patient compartment the hub reads: the only ones Patient- and Group-level exports hold. */
const PATIENT_COMPARTMENT = new Set(['Patient', 'Appointment', 'Coverage', 'DocumentReference']);

interface Operation {
  name?: unknown;
  definition?: unknown;
}

/** The level an OperationDefinition canonical names (`…/OperationDefinition/group-export`…), else by where it is declared. */
function levelOf(op: Operation, declaredOn: string | null): BulkExportLevel | null {
  const definition = typeof op.definition === 'string' ? op.definition : '';
  const name = typeof op.name === 'string' ? op.name.replace(/^\$/, '') : '';
  if (name !== 'export' && !/\/OperationDefinition\/(export|patient-export|group-export)$/.test(definition)) return null;
  if (/group-export$/.test(definition) || declaredOn === 'Group') return 'group';
  if (/patient-export$/.test(definition) || declaredOn === 'Patient') return 'patient';
  return 'system';
}

/**
 * Export levels a CapabilityStatement advertises: `rest.operation` entries named `export` (or
 * whose definition is one of the IG's OperationDefinitions: export, patient-export,
 * group-export), and `rest.resource[Patient|Group].operation` entries; a statement that
 * `instantiates` the IG's bulk-data CapabilityStatement counts as system-level.
 */
export function advertisedLevels(statement: Record<string, unknown>): Set<BulkExportLevel> {
  const levels = new Set<BulkExportLevel>();
  const add = (level: BulkExportLevel | null) => level && levels.add(level);
  const rests = Array.isArray(statement.rest) ? (statement.rest as Array<Record<string, unknown>>) : [];
  for (const rest of rests) {
    for (const op of (Array.isArray(rest.operation) ? rest.operation : []) as Operation[]) add(levelOf(op, null));
    for (const resource of (Array.isArray(rest.resource) ? rest.resource : []) as Array<{ type?: unknown; operation?: unknown }>) {
      const type = typeof resource.type === 'string' ? resource.type : null;
      for (const op of (Array.isArray(resource.operation) ? resource.operation : []) as Operation[]) add(levelOf(op, type));
    }
  }
  const instantiates = Array.isArray(statement.instantiates) ? statement.instantiates : [];
  if (instantiates.some((c) => typeof c === 'string' && c.includes('bulkdata/CapabilityStatement/bulk-data'))) levels.add('system');
  return levels;
}

/**
 * The kick-off path for one resource type, or null to read it by paged search:
 * Group (when `groupId` is set and the type is in the Patient compartment), else system, else
 * Patient level. `always` takes the first that applies as if every level were advertised.
 */
export function kickOffPath(type: string, mode: BulkExportMode, groupId: string | null, levels: Set<BulkExportLevel>): string | null {
  if (mode === 'never') return null;
  const has = (level: BulkExportLevel) => mode === 'always' || levels.has(level);
  const compartment = PATIENT_COMPARTMENT.has(type);
  if (groupId && compartment && has('group')) return `Group/${encodeURIComponent(groupId)}/$export`;
  if (has('system')) return '$export';
  if (compartment && has('patient')) return 'Patient/$export';
  return null;
}
