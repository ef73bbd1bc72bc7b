import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isCanonicalFieldPath, ResourceType } from '../../canonical';
import type { FieldError } from '../../common/validation';
import { AuditService } from '../audit/audit.service';
import { ConflictRule, LOCAL_SOURCE } from './conflict-policy';
import { ConflictsException, ConflictsExceptionCode } from './conflicts.exception';
import { ConflictPolicyDto } from './dtos/conflict-policy.dto';

/**
 * The organization's conflict policy (`conflict_policies`, one row per organization): ordered
 * rules `{ resourceType, field | '*', strategy, sourcePriority? }` (docs/conflicts.md). The
 * ValidationPipe checks the shape; this service checks what needs the canonical model and the
 * store: `field` a top-level canonical field of the resource, `sourcePriority` entries `local`
 * or the organization's integrations.
 */
@Injectable()
export class ConflictPoliciesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The rules (empty when never set: every conflict waits for review). */
  async get(organizationId: string): Promise<ConflictPolicyDto> {
    const [row] = await this.dataSource.query('SELECT rules, updated_at FROM conflict_policies WHERE organization_id = $1', [organizationId]);
    return { rules: row?.rules ?? [], updatedAt: row ? new Date(row.updated_at).toISOString() : null };
  }

  /** The rules the conflict-resolution queue applies. */
  async rules(organizationId: string): Promise<ConflictRule[]> {
    return (await this.get(organizationId)).rules;
  }

  /**
   * Replaces the rules; audited as `conflict_policy.updated` (rule count only).
   * @throws ConflictsException INVALID_POLICY (400) naming `rules.<i>.field` or `rules.<i>.sourcePriority`.
   */
  async put(organizationId: string, rules: ConflictRule[], actorId: string, requestId?: string): Promise<ConflictPolicyDto> {
    const errors: FieldError[] = [];
    const ids = [...new Set(rules.flatMap((r) => r.sourcePriority ?? []).filter((id) => id !== LOCAL_SOURCE))];
    const known = new Set<string>(ids.length
      ? (await this.dataSource.query(
        'SELECT id::text FROM integrations WHERE organization_id = $1 AND id::text = ANY($2::text[])', [organizationId, ids])).map((r: { id: string }) => r.id)
      : []);
    rules.forEach((rule, i) => {
      if (rule.field !== '*' && (rule.field.includes('.') || !isCanonicalFieldPath(rule.resourceType as ResourceType, rule.field))) {
        errors.push({ field: `rules.${i}.field`, errors: [`rules.${i}.field must be * or a top-level canonical field of ${rule.resourceType}`] });
      }
      const unknown = (rule.sourcePriority ?? []).filter((id) => id !== LOCAL_SOURCE && !known.has(id));
      if (unknown.length) errors.push({ field: `rules.${i}.sourcePriority`, errors: [`rules.${i}.sourcePriority names no integration of this organization: ${unknown.join(', ')}`] });
    });
    if (errors.length) {
      throw new ConflictsException(ConflictsExceptionCode.INVALID_POLICY, `Validation failed: ${errors.map((e) => e.errors.join(', ')).join('; ')}`, errors);
    }
    const clean = rules.map((r) => ({ resourceType: r.resourceType, field: r.field, strategy: r.strategy, ...(r.sourcePriority ? { sourcePriority: r.sourcePriority } : {}) }));
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO conflict_policies (organization_id, rules, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (organization_id) DO UPDATE SET rules = EXCLUDED.rules, updated_at = now()`,
        [organizationId, JSON.stringify(clean)],
      );
      await this.audit.record({
        organizationId, actorType: 'api_key', actorId, action: 'conflict_policy.updated', targetType: 'conflict_policy', targetId: organizationId,
        requestId, details: { rules: clean.length },
      }, manager);
    });
    return this.get(organizationId);
  }
}
