import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CommonException } from '../../common/domain-exception';
import { AuditService } from '../audit/audit.service';
import type { OrgAuth } from '../organizations/auth.context';
import { detectCrossSourceConflicts } from '../conflicts/cross-source-detection';
import { ConflictResolutionProcessor } from '../conflicts/conflict-resolution.processor';
import { comparePair, matchFeatures } from './matching';
import { PersonsRepository } from './persons.repository';

/** What a decision did: the pair's status and the person each of its records now belongs to. */
export interface DecisionOutcome {
  pairId: string;
  status: 'match' | 'non_match';
  personIds: Record<string, string>;
}

/**
 * A person's decisions on persons, each in one transaction with its audit event. They stick: a
 * decided record's link is `manual` (a sync never moves it) and a `non_match` pair is never
 * linked again, by the matcher or by the exact-match linker. The exact-match link
 * (`records.linked_patient_id`) between two records kept apart is cleared.
 */
@Injectable()
export class PersonDecisionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PersonsRepository,
    private readonly audit: AuditService,
    private readonly conflictQueue: ConflictResolutionProcessor,
  ) {}

  /**
   * After a decision: cross-source conflicts of the persons it touched (docs/conflicts.md), in its
   * transaction; persons of one source left get theirs closed.
   */
  private async compareSources(m: EntityManager, organizationId: string, personIds: string[]): Promise<void> {
    await detectCrossSourceConflicts(m, organizationId, [...new Set(personIds)]);
  }

  /** Hands the persons' undecided conflicts to the conflict-resolution queue, after the commit; Redis refusing leaves them undecided (listed). */
  private async scheduleConflicts(personIds: string[], key: string): Promise<void> {
    const pending: Array<{ integration_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT integration_id FROM conflicts WHERE person_id = ANY($1::uuid[]) AND kind = 'cross_source' AND status = 'open' AND strategy IS NULL`,
      [personIds]);
    for (const p of pending) await this.conflictQueue.schedule(p.integration_id, `${key}-${Date.now()}`).catch(() => false);
  }

  /**
   * `match` merges the two records' persons into the first's; `non_match` moves the later-linked
   * record to a person of its own when they share one. @throws 404 when the pair is not the organization's.
   */
  async decide(auth: OrgAuth, pairId: string, decision: 'match' | 'non_match'): Promise<DecisionOutcome> {
    const outcome = await this.dataSource.transaction(async (m): Promise<DecisionOutcome> => {
      const pair = await this.repository.pair(m, auth.organizationId, pairId);
      if (!pair) throw CommonException.notFound('review pair');
      const links: Array<{ record_id: string; person_id: string; created_at: Date }> = await m.query(
        `SELECT record_id, person_id, created_at FROM person_links WHERE record_id = ANY($1::uuid[]) FOR UPDATE`, [[pair.record_a, pair.record_b]],
      );
      const [a, b] = [pair.record_a, pair.record_b].map((id) => links.find((l) => l.record_id === id));
      if (!a || !b) throw CommonException.notFound('review pair');
      const why = JSON.stringify({ method: 'review', pairId, decision });
      if (decision === 'match' && a.person_id !== b.person_id) {
        await m.query(`UPDATE person_links SET person_id = $1, updated_at = now() WHERE person_id = $2`, [a.person_id, b.person_id]);
        await this.compareSources(m, auth.organizationId, [a.person_id, b.person_id]);
        await m.query(`DELETE FROM persons WHERE id = $1`, [b.person_id]);
        b.person_id = a.person_id;
      } else if (decision === 'non_match' && a.person_id === b.person_id) {
        const later = a.created_at > b.created_at ? a : b;
        later.person_id = await this.newPerson(m, auth.organizationId);
        await m.query(`UPDATE person_links SET person_id = $1, updated_at = now() WHERE record_id = $2`, [later.person_id, later.record_id]);
        await this.clearExactLinks(m, later.record_id, [a, b].filter((x) => x !== later).map((x) => x.record_id));
        await this.compareSources(m, auth.organizationId, [a.person_id, b.person_id]);
      }
      await m.query(`UPDATE person_links SET method = 'manual', explanation = $2::jsonb, updated_at = now() WHERE record_id = ANY($1::uuid[])`,
        [[a.record_id, b.record_id], why]);
      await m.query(`UPDATE person_match_candidates SET status = $2, decided_by = $3, decided_at = now(), updated_at = now() WHERE id = $1`,
        [pairId, decision, auth.apiKeyId]);
      await this.audit.record({
        organizationId: auth.organizationId, actorType: 'api_key', actorId: auth.apiKeyId, action: 'person.review_decided',
        targetType: 'person_match_candidate', targetId: pairId, requestId: auth.requestId, details: { decision },
      }, m);
      return { pairId, status: decision, personIds: { [a.record_id]: a.person_id, [b.record_id]: b.person_id } };
    });
    await this.scheduleConflicts(Object.values(outcome.personIds), `pair-${pairId}`);
    return outcome;
  }

  /**
   * Moves `patientId` out of the person into a person of its own (`manual`) and records a
   * `non_match` with each record it leaves, so no later sync links them again.
   * @throws 404 when the person is not the organization's; 400 naming `patientId` when the
   * record is not one of the person's, or is its only record.
   */
  async split(auth: OrgAuth, personId: string, patientId: string): Promise<{ personId: string }> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const person = await m.query(`SELECT id FROM persons WHERE organization_id = $1 AND id = $2 FOR UPDATE`, [auth.organizationId, personId]);
      if (!person.length) throw CommonException.notFound('person');
      const records = await this.repository.linkedRecords(auth.organizationId, [personId], m);
      const moving = records.find((r) => r.record_id === patientId);
      const problem = !moving ? 'patientId is not a record of this person' : records.length < 2 ? 'patientId is the only record of this person' : null;
      if (problem) throw CommonException.validation(problem, [{ field: 'patientId', errors: [problem] }]);
      const others = records.filter((r) => r !== moving);
      const target = await this.newPerson(m, auth.organizationId);
      await m.query(`UPDATE person_links SET person_id = $1, method = 'manual', explanation = $3::jsonb, updated_at = now() WHERE record_id = $2`,
        [target, patientId, JSON.stringify({ method: 'split', fromPersonId: personId })]);
      const moved = matchFeatures(patientId, moving!.data);
      for (const o of others) {
        const s = comparePair(moved, matchFeatures(o.record_id, o.data));
        const [ra, rb] = patientId < o.record_id ? [patientId, o.record_id] : [o.record_id, patientId];
        await m.query(
          `INSERT INTO person_match_candidates (organization_id, record_a, record_b, score, field_scores, status, decided_by, decided_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, 'non_match', $6, now())
           ON CONFLICT (organization_id, record_a, record_b) DO UPDATE SET status = 'non_match', decided_by = $6, decided_at = now(), updated_at = now()`,
          [auth.organizationId, ra, rb, s.score, JSON.stringify(s.fields), auth.apiKeyId],
        );
      }
      await this.clearExactLinks(m, patientId, others.map((o) => o.record_id));
      await m.query(`UPDATE persons SET updated_at = now() WHERE id = $1`, [personId]);
      await this.compareSources(m, auth.organizationId, [personId, target]);
      await this.audit.record({
        organizationId: auth.organizationId, actorType: 'api_key', actorId: auth.apiKeyId, action: 'person.split',
        targetType: 'person', targetId: personId, requestId: auth.requestId, details: { patientId, newPersonId: target },
      }, m);
      return { personId: target };
    });
    await this.scheduleConflicts([personId, outcome.personId], `split-${personId}`);
    return outcome;
  }

  private async newPerson(m: EntityManager, organizationId: string): Promise<string> {
    const id = randomUUID();
    await m.query(`INSERT INTO persons (id, organization_id) VALUES ($1, $2)`, [id, organizationId]);
    return id;
  }

  /** Clears exact-match links (records.linked_patient_id) between `recordId` and `others`, either way. */
  private async clearExactLinks(m: EntityManager, recordId: string, others: string[]): Promise<void> {
    await m.query(
      `UPDATE records SET linked_patient_id = NULL, link_reason = NULL, linked_at = NULL
        WHERE (id = $1 AND linked_patient_id = ANY($2::uuid[])) OR (id = ANY($2::uuid[]) AND linked_patient_id = $1)`,
      [recordId, others],
    );
  }
}
