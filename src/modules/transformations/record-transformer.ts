import { CanonicalRecord, ResourceType, isCanonicalFieldPath, validateCanonicalRecord } from '../../canonical';
import { compileExpression, CompiledExpression, ExpressionError } from './expression';
import { compileRule, RuleParamError, TransformationRuleSpec, ValueTransform } from './transformation-rule';

/** An enabled rule of an integration, in its `order`. */
export interface ResourceRule extends TransformationRuleSpec {
  id: string;
  resourceType: ResourceType;
  order: number;
}

/** A record a rule could not transform: the sync records it as a `failed` issue (code `transformation_failed`). */
export interface TransformFailure {
  externalId: string;
  code: 'transformation_failed';
  /** Names the rule and field, never the record's values. */
  message: string;
}

/** A field mapping: canonical `target` (a path through no list) takes the value of the JSONata `source` evaluated on `raw`. */
export interface FieldMapping {
  id: string;
  resourceType: ResourceType;
  target: string;
  source: string;
}

/** Compiles a mapping. @throws RuleParamError naming `target` or `source`. */
export function compileMapping(m: FieldMapping): CompiledExpression {
  if (!isCanonicalFieldPath(m.resourceType, m.target, false)) throw new RuleParamError('target', `is not a canonical field of ${m.resourceType} outside a list`);
  try {
    return compileExpression(m.source);
  } catch (error) {
    if (error instanceof ExpressionError) throw new RuleParamError('source', error.message);
    throw error;
  }
}

interface Compiled {
  rule: ResourceRule;
  apply: ValueTransform;
}

/** Calls `fn` on every (parent, key) the dotted path reaches, walking arrays. */
async function visit(node: unknown, parts: string[], fn: (parent: Record<string, unknown>, key: string) => Promise<void>): Promise<void> {
  if (Array.isArray(node)) {
    for (const item of node) await visit(item, parts, fn);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  if (parts.length === 1) return fn(obj, parts[0]);
  await visit(obj[parts[0]], parts.slice(1), fn);
}

/**
 * Applies an integration's transformation rules to canonical records, after the vendor mapper and
 * before hashing and writing (docs/transformations.md). Built once per sync job from the enabled
 * rules; a resource without rules or mappings passes through untouched. Each record is copied, the rules of its resource run in
 * `order`, and the result must still pass {@link validateCanonicalRecord}; a rule that throws or
 * exceeds its budget fails that record alone.
 * @throws RuleParamError (at construction) when a stored rule no longer compiles or names no canonical field.
 */
export class RecordTransformer {
  private readonly byResource = new Map<ResourceType, Compiled[]>();
  private readonly mappings = new Map<ResourceType, Array<{ mapping: FieldMapping; source: CompiledExpression }>>();

  constructor(rules: ResourceRule[], mappings: FieldMapping[] = []) {
    for (const mapping of mappings) {
      const list = this.mappings.get(mapping.resourceType) ?? [];
      list.push({ mapping, source: compileMapping(mapping) });
      this.mappings.set(mapping.resourceType, list);
    }
    for (const rule of [...rules].sort((a, b) => a.order - b.order)) {
      if (!isCanonicalFieldPath(rule.resourceType, rule.field)) throw new RuleParamError('field', `is not a canonical field of ${rule.resourceType}`);
      const list = this.byResource.get(rule.resourceType) ?? [];
      list.push({ rule, apply: compileRule(rule) });
      this.byResource.set(rule.resourceType, list);
    }
  }

  /** True when no rule applies to any resource (the sync then skips the transformer). */
  get isEmpty(): boolean {
    return this.byResource.size === 0 && this.mappings.size === 0;
  }

  /** Transforms one batch of a resource: the records that passed, and one failure per record that did not. */
  async transform(resource: ResourceType, records: CanonicalRecord[]): Promise<{ records: CanonicalRecord[]; failed: TransformFailure[] }> {
    const rules = this.byResource.get(resource) ?? [];
    const mappings = this.mappings.get(resource) ?? [];
    if (!rules.length && !mappings.length) return { records, failed: [] };
    const out: CanonicalRecord[] = [];
    const failed: TransformFailure[] = [];
    for (const record of records) {
      const result = await this.one(resource, rules, mappings, record);
      if ('message' in result) failed.push(result);
      else out.push(result);
    }
    return { records: out, failed };
  }

  private async one(
    resource: ResourceType, rules: Compiled[], mappings: Array<{ mapping: FieldMapping; source: CompiledExpression }>, record: CanonicalRecord,
  ): Promise<CanonicalRecord | TransformFailure> {
    if (record.deleted) return record; // a tombstone carries no values worth transforming
    const data = structuredClone(record.data) as unknown as Record<string, unknown>;
    for (const { mapping, source } of mappings) {
      try {
        const value = await source.evaluate(record.raw ?? {}, { record: data, externalId: record.externalId });
        const parts = mapping.target.split('.');
        let node = data;
        for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
        node[parts[parts.length - 1]] = value === undefined ? null : value;
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'unknown error';
        return { externalId: record.externalId, code: 'transformation_failed', message: `Field mapping ${mapping.id} (${mapping.target}) failed: ${reason}`.slice(0, 500) };
      }
    }
    for (const { rule, apply } of rules) {
      try {
        await visit(data, rule.field.split('.'), async (parent, key) => {
          parent[key] = await apply(parent[key], parent, data, record.externalId);
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'unknown error';
        return { externalId: record.externalId, code: 'transformation_failed', message: `Rule ${rule.id} (${rule.type} on ${rule.field}) failed: ${reason}`.slice(0, 500) };
      }
    }
    const next = { ...record, data: data as unknown as CanonicalRecord['data'] };
    const problems = validateCanonicalRecord(resource, next);
    if (problems.length) {
      const first = problems[0]; // its message can quote the value: only the path is kept
      return { externalId: record.externalId, code: 'transformation_failed', message: `Transformed record is not canonical at ${first.path} (${problems.length} problem(s))`.slice(0, 500) };
    }
    return next;
  }
}
