import { Injectable } from '@nestjs/common';
import { CommonException } from '../../common/domain-exception';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { ExplainedRecordDto, PersonDetailDto, PersonExplainDto, PersonRecordDto, PersonSummaryDto, ReviewPairDto } from './dtos/person.dto';
import { ConflictPoliciesService } from '../conflicts/conflict-policies.service';
import { ConflictsService } from '../conflicts/conflicts.service';
import { goldenRecord } from './golden-record';
import { comparePair, matchFeatures, THRESHOLDS } from './matching';
import { LinkedRecordRow, PersonRow, PersonsRepository } from './persons.repository';

const summary = (p: PersonRow): PersonSummaryDto => ({
  id: p.id, displayName: p.display_name, birthDate: p.birth_date, recordCount: p.record_count, createdAt: p.created_at, updatedAt: p.updated_at,
});

const recordDto = (r: LinkedRecordRow): PersonRecordDto => ({
  recordId: r.record_id, integrationId: r.integration_id, vendor: r.vendor, externalId: r.external_id, method: r.method,
  score: r.score, updatedAt: r.updated_at,
});

/**
 * Reads of persons: the list, the golden record, the explanation of each link and the review
 * queue. Decisions (review, split) are in {@link PersonDecisionsService}. Every read is scoped by
 * organization; another organization's id is a 404.
 */
@Injectable()
export class PersonsService {
  constructor(
    private readonly repository: PersonsRepository,
    private readonly policies: ConflictPoliciesService,
    private readonly conflicts: ConflictsService,
  ) {}

  /** @throws 400 naming `cursor` when it is not one of ours. */
  async list(organizationId: string, q: string | undefined, cursor: string | undefined, limit: number): Promise<Page<PersonSummaryDto>> {
    const after = (decodeCursor(cursor, ['uuid'])?.[0] as string | undefined) ?? null;
    return toPage(await this.repository.list(organizationId, q, after, limit), limit, (p) => [p.id], summary);
  }

  /** The person's linked records. @throws 404 when the person is not the organization's. */
  async records(organizationId: string, personId: string): Promise<{ person: PersonRow; records: LinkedRecordRow[] }> {
    const person = await this.repository.person(organizationId, personId);
    if (!person) throw CommonException.notFound('person');
    return { person, records: await this.repository.linkedRecords(organizationId, [personId]) };
  }

  /** The golden record (golden-record.ts), following resolved cross-source conflicts, then the organization's source-priority rules. @throws 404 when the person is not the organization's. */
  async detail(organizationId: string, personId: string): Promise<PersonDetailDto> {
    const { person, records } = await this.records(organizationId, personId);
    // Records the source has deleted stay linked but give no field, unless nothing else is left.
    const live = records.filter((r) => !r.deleted_at);
    const sources = (live.length ? live : records).map((r) => ({ recordId: r.record_id, integrationId: r.integration_id, vendor: r.vendor, data: r.data, updatedAt: new Date(r.updated_at) }));
    const fields = goldenRecord(sources, await this.policies.rules(organizationId), await this.conflicts.sourceChoices(organizationId, personId));
    return { id: person.id, records: records.map(recordDto), fields, createdAt: person.created_at, updatedAt: person.updated_at };
  }

  /**
   * Each linked record's stored explanation and its score per field now against the person's
   * first record (the anchor). @throws 404 when the person is not the organization's.
   */
  async explain(organizationId: string, personId: string): Promise<PersonExplainDto> {
    const { person, records } = await this.records(organizationId, personId);
    if (!records.length) throw CommonException.notFound('person');
    const anchor = records[0];
    const anchorFeatures = matchFeatures(anchor.record_id, anchor.data);
    const explained: ExplainedRecordDto[] = records.map((r) => {
      const now = r === anchor ? null : comparePair(anchorFeatures, matchFeatures(r.record_id, r.data));
      return { ...recordDto(r), explanation: r.explanation, scoreNow: now?.score ?? null, fieldsNow: now?.fields ?? null };
    });
    return { id: person.id, anchorRecordId: anchor.record_id, thresholds: { ...THRESHOLDS }, records: explained };
  }

  /** Open candidate pairs by id, each with its two records. @throws 400 naming `cursor`. */
  async review(organizationId: string, cursor: string | undefined, limit: number): Promise<Page<ReviewPairDto>> {
    const after = (decodeCursor(cursor, ['uuid'])?.[0] as string | undefined) ?? null;
    const rows = await this.repository.openPairs(organizationId, after, limit);
    const records = new Map((await this.repository.recordsById(organizationId, rows.flatMap((r) => [r.record_a, r.record_b]))).map((r) => [r.record_id, r]));
    const side = (id: string) => {
      const r = records.get(id);
      return {
        recordId: id, integrationId: r?.integration_id ?? '', vendor: r?.vendor ?? '', personId: r?.person_id ?? null,
        displayName: r?.data.displayName ?? null, birthDate: r?.data.birthDate ?? null,
      };
    };
    return toPage(rows, limit, (r) => [r.id], (r): ReviewPairDto => ({
      id: r.id, score: r.score, status: r.status, fields: r.field_scores, records: [side(r.record_a), side(r.record_b)],
      decidedBy: r.decided_by, decidedAt: r.decided_at,
    }));
  }
}
