import { Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'pg';
import { CanonicalRecord } from '../../canonical';
import { PG_POOL } from '../../database/database.module';
import { RECORD_REDERIVERS } from '../../providers/record-rederivers';
import { IntegrationsService } from '../integrations/integrations.service';
import { TransformationPreviewDto, TransformationPreviewRequestDto } from './dtos/transformation-rule.dto';
import { loadRecordTransformer } from './rule-loader';

/**
 * Preview of the integration's enabled rules on one stored record: the vendor mapper re-runs
 * on the stored `raw` row (no vendor call), then the rules; nothing is written.
 * @throws NotFoundException for another organization's integration or an unknown record;
 *   UnprocessableEntityException when the record has no raw row or its vendor has no re-derive function.
 */
@Injectable()
export class TransformationPreviewService {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, private readonly integrations: IntegrationsService) {}

  async preview(organizationId: string, integrationId: string, body: TransformationPreviewRequestDto): Promise<TransformationPreviewDto> {
    const integration = await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query<{ raw: Record<string, unknown> | null; data: Record<string, unknown>; patient_external_id: string | null }>(
      `SELECT raw, data, patient_external_id FROM records
        WHERE integration_id = $1 AND organization_id = $2 AND resource_type = $3 AND external_id = $4 AND deleted_at IS NULL`,
      [integrationId, organizationId, body.resourceType, body.externalId],
    );
    const row = res.rows[0];
    if (!row) throw new NotFoundException('Record not found');
    const rederive = RECORD_REDERIVERS[integration.vendor] as (typeof RECORD_REDERIVERS)[string] | undefined;
    const mapped: CanonicalRecord | null = rederive && row.raw
      ? rederive({ resource: body.resourceType, externalId: body.externalId, raw: row.raw, patientExternalId: row.patient_external_id, config: integration.config ?? {} })
      : null;
    if (!mapped) throw new UnprocessableEntityException('This record cannot be mapped again from its stored source row');
    const before = mapped.data as unknown as Record<string, unknown>;
    // raw never holds the SSN: keep the stored last four, as the re-derive step does.
    if (body.resourceType === 'patients' && before.ssnLast4 === null && typeof row.data.ssnLast4 === 'string') before.ssnLast4 = row.data.ssnLast4;
    const transformer = await loadRecordTransformer(this.pool, integrationId);
    const out = await transformer.transform(body.resourceType, [mapped]);
    const after = (out.records[0]?.data as unknown as Record<string, unknown>) ?? null;
    const changedFields = after ? Object.keys(before).filter((k) => !isDeepStrictEqual(before[k], after[k])) : [];
    return { resourceType: body.resourceType, externalId: body.externalId, before, after, changedFields, error: out.failed[0]?.message ?? null };
  }
}
