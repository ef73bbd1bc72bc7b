import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** A JSON value of an OpenAPI schema, as read from the generated document. */
export type SchemaNode = { [key: string]: unknown };

const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A strict copy of an OpenAPI 3.0 schema for ajv (the document itself is left as generated):
 * `nullable: true` becomes `anyOf: [<schema>, {type: 'null'}]` (ajv's own `nullable` rejects
 * nullable `$ref`s and nullable enums without `null`), and every object with `properties` and
 * no `additionalProperties` gets `additionalProperties: false`, so a response field the
 * document does not declare fails validation. Free-form objects (`additionalProperties: true`,
 * the raw source rows) stay free-form.
 */
export function strictCopy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictCopy);
  if (!isNode(node)) return node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example') continue;
    out[key] = key === 'enum' ? value : strictCopy(value);
  }
  if (isNode(out.properties) && out.additionalProperties === undefined) out.additionalProperties = false;
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace('#/components/schemas/', 'components#/definitions/');
  return node.nullable === true ? { anyOf: [out, { type: 'null' }], ...(out.description ? { description: out.description } : {}) } : out;
}

/** An ajv holding the document's component schemas (strict copies) under `components#/definitions/<name>`. */
export function componentsAjv(document: { components?: { schemas?: Record<string, unknown> } }): { validator(name: string): ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  const schemas = document.components?.schemas ?? {};
  ajv.addSchema({ $id: 'components', definitions: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, strictCopy(v)])) });
  return { validator: (name: string) => ajv.compile({ $ref: `components#/definitions/${name}` }) };
}
