import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Patient } from '../../canonical';
import { normalizeSearchText } from '../../common/search-text';

/** A patient record linked to a person, with its link. */
export interface LinkedRecordRow {
  record_id: string;
  person_id: string;
  integration_id: string;
  vendor: string;
  external_id: string;
  data: Patient;
  updated_at: Date;
  deleted_at: Date | null;
  method: 'auto' | 'manual' | 'migrated';
  score: number | null;
  explanation: Record<string, unknown> | null;
  linked_at: Date;
}

export interface PersonRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  record_count: number;
  display_name: string | null;
  birth_date: string | null;
}

export interface CandidateRow {
  id: string;
  organization_id: string;
  record_a: string;
  record_b: string;
  score: number;
  field_scores: Record<string, { level: string; weight: number }>;
  status: 'open' | 'match' | 'non_match';
  decided_by: string | null;
  decided_at: Date | null;
}

/**
 * The one owner of the persons tables (`persons`, `person_links`, `person_match_candidates`;
 * `person_blocking_keys` is the write path's, person-linker.ts). Every read is scoped by
 * organization: another organization's person or pair is not found.
 */
@Injectable()
export class PersonsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of persons by id, optionally those with a linked record whose name matches `q`. */
  async list(organizationId: string, q: string | undefined, after: string | null, limit: number): Promise<PersonRow[]> {
    const term = normalizeSearchText(q)?.replace(/[%_\\]/g, (c) => `\\${c}`) ?? null;
    // The page's persons first (by the records' name index when q is given), then their aggregates.
    return this.dataSource.query(
      `WITH page AS (
         SELECT p.id, p.created_at, p.updated_at FROM persons p
          WHERE p.organization_id = $1 AND ($3::uuid IS NULL OR p.id > $3)
            AND ($2::text IS NULL OR p.id IN (
              SELECT pl.person_id FROM records r JOIN person_links pl ON pl.record_id = r.id
               WHERE r.organization_id = $1 AND r.resource_type = 'patients' AND r.search_text LIKE '%' || $2 || '%'))
          ORDER BY p.id LIMIT $4
       )
       SELECT page.id, page.created_at, page.updated_at, g.record_count, g.display_name, g.birth_date
         FROM page CROSS JOIN LATERAL (
           SELECT count(*)::int AS record_count,
                  (array_agg(r.data->>'displayName' ORDER BY r.updated_at DESC) FILTER (WHERE r.data->>'displayName' IS NOT NULL))[1] AS display_name,
                  (array_agg(r.data->>'birthDate' ORDER BY r.updated_at DESC) FILTER (WHERE r.data->>'birthDate' IS NOT NULL))[1] AS birth_date
             FROM person_links pl JOIN records r ON r.id = pl.record_id WHERE pl.person_id = page.id
         ) g
        ORDER BY page.id`,
      [organizationId, term, after, limit + 1],
    );
  }

  async person(organizationId: string, personId: string): Promise<PersonRow | null> {
    const rows: PersonRow[] = await this.dataSource.query(
      `SELECT id, created_at, updated_at, 0 AS record_count, NULL AS display_name, NULL AS birth_date FROM persons WHERE organization_id = $1 AND id = $2`,
      [organizationId, personId],
    );
    return rows[0] ?? null;
  }

  /** The person's records, first linked first. */
  linkedRecords(organizationId: string, personIds: string[], manager?: EntityManager): Promise<LinkedRecordRow[]> {
    return (manager ?? this.dataSource).query(
      `SELECT pl.record_id, pl.person_id, r.integration_id, i.vendor, r.external_id, r.data, r.updated_at, r.deleted_at, pl.method, pl.score, pl.explanation,
              pl.created_at AS linked_at
         FROM person_links pl JOIN records r ON r.id = pl.record_id JOIN integrations i ON i.id = r.integration_id
        WHERE pl.organization_id = $1 AND pl.person_id = ANY($2::uuid[])
        ORDER BY pl.created_at, pl.record_id`,
      [organizationId, personIds],
    );
  }

  /** Records by id with their person (for the review list). */
  recordsById(organizationId: string, recordIds: string[]): Promise<LinkedRecordRow[]> {
    return this.dataSource.query(
      `SELECT r.id AS record_id, pl.person_id, r.integration_id, i.vendor, r.external_id, r.data, r.updated_at, r.deleted_at, pl.method, pl.score, pl.explanation,
              pl.created_at AS linked_at
         FROM records r JOIN integrations i ON i.id = r.integration_id LEFT JOIN person_links pl ON pl.record_id = r.id
        WHERE r.organization_id = $1 AND r.id = ANY($2::uuid[])`,
      [organizationId, recordIds],
    );
  }

  /** Open pairs by id, except those whose two records have since come to one person. */
  openPairs(organizationId: string, after: string | null, limit: number): Promise<CandidateRow[]> {
    return this.dataSource.query(
      `SELECT c.* FROM person_match_candidates c
        WHERE c.organization_id = $1 AND c.status = 'open' AND ($2::uuid IS NULL OR c.id > $2)
          AND NOT EXISTS (SELECT 1 FROM person_links a JOIN person_links b ON b.person_id = a.person_id
                           WHERE a.record_id = c.record_a AND b.record_id = c.record_b)
        ORDER BY c.id LIMIT $3`,
      [organizationId, after, limit + 1],
    );
  }

  async pair(manager: EntityManager, organizationId: string, pairId: string): Promise<CandidateRow | null> {
    const rows: CandidateRow[] = await manager.query(
      `SELECT * FROM person_match_candidates WHERE organization_id = $1 AND id = $2 FOR UPDATE`, [organizationId, pairId],
    );
    return rows[0] ?? null;
  }
}
