import { PoolClient } from 'pg';
import { CanonicalData, isLinkableSystem, officialName } from '../../canonical';
import { normalizeSearchText } from '../../common/search-text';
import { byExternalIds } from './records.repository';

/** Why a patient was linked to a patient of another source. */
export type LinkReason = 'external_id' | 'name_birthdate';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function namePart(value: string | null | undefined): string | null {
  return value ? normalizeSearchText(value)?.replace(/ /g, '') ?? null : null;
}

/**
 * The key two sources' patients are matched on when no identifier links them:
 * `first|last|yyyy-MM-dd` from the `official` name (its first given name, the legal one, not the
 * preferred), its family name and `birthDate`, each normalised like name search (accents, case,
 * apostrophes and hyphens removed: "O'Brien-Zoë" = "obrienzoe"). Null when any part is missing,
 * so patients without a birth date are never matched by name alone.
 */
export function patientMatchKey(data: CanonicalData['patients']): string | null {
  const name = officialName(data.names ?? []);
  const first = namePart(name?.given[0]);
  const last = namePart(name?.family);
  const birth = typeof data.birthDate === 'string' && ISO_DATE.test(data.birthDate) ? data.birthDate : null;
  return first && last && birth ? `${first}|${last}|${birth}` : null;
}

/**
 * A patient's linkable identifiers as `system|value` (the `records.link_keys` column), or null
 * when it has none. Only systems that pass {@link isLinkableSystem} count: integration-scoped
 * ids (`source:…`) mean nothing in another integration.
 */
export function patientLinkKeys(data: CanonicalData['patients']): string[] | null {
  let keys: string[] | null = null;
  for (const id of data.identifiers ?? []) {
    if (isLinkableSystem(id.system)) (keys ??= []).push(`${id.system}|${id.value}`);
  }
  return keys;
}

/** A patient row as the linker reads it: the batch's patients and their candidates alike. */
interface Candidate {
  id: string;
  link_keys: string[] | null;
  match_key: string | null;
  birth_date: string | null;
}

/** Birth dates that do not disagree (either unknown, or equal). */
function datesAgree(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

/** The single candidate, or null when there are none or several (ambiguous: no link). */
function only(found: Map<string, Candidate> | undefined): Candidate | null {
  return found && found.size === 1 ? [...found.values()][0] : null;
}

function group(rows: Candidate[], keys: (c: Candidate) => Array<string | null>): Map<string, Map<string, Candidate>> {
  const map = new Map<string, Map<string, Candidate>>();
  for (const c of rows) {
    for (const k of keys(c)) {
      if (!k) continue;
      let found = map.get(k);
      if (!found) map.set(k, (found = new Map()));
      found.set(c.id, c);
    }
  }
  return map;
}

const CANDIDATE_COLUMNS = `id, link_keys, match_key, to_char(birth_date, 'YYYY-MM-DD') AS birth_date`;

/**
 * Links the given patients of one integration to an existing patient of the same organization
 * from another integration, inside the caller's transaction:
 * 1. `external_id`: the two come from integrations of different vendors, share a linkable
 *    identifier (`records.link_keys`, see {@link patientLinkKeys}: for example the OpenDental
 *    PatNum a NexHealth patient reports and the OpenDental patient's own PatNum under the same
 *    system) and their birth dates do not disagree. A PMS key is only unique within one office:
 *    two integrations of the same vendor (two OpenDental databases, or the same one read twice)
 *    both carry their own PatNums, which proves nothing, and PatNum 42 of another office is
 *    someone else;
 * 2. otherwise `name_birthdate`: equal {@link patientMatchKey}.
 * A link is made only when exactly one candidate matches, to a root (a patient that is not
 * itself linked and not deleted); patients already linked, or that others link to, keep their
 * place. Links are never moved by a later sync (a person changing a name stays linked).
 * Cost per batch, whatever its size: one read of the batch, one of link targets, one GIN `&&`
 * probe for identifiers, one indexed `= ANY` for match keys and one UPDATE from arrays; one
 * cheap query when the organization has a single integration.
 * @returns how many patients were linked.
 */
export async function linkPatients(client: PoolClient, organizationId: string, integrationId: string, externalIds: string[]): Promise<number> {
  if (!externalIds.length) return 0;
  const integrations = (await client.query<{ id: string; vendor: string }>(`SELECT id, vendor FROM integrations WHERE organization_id = $1`, [organizationId])).rows;
  const vendor = integrations.find((i) => i.id === integrationId)?.vendor;
  const others = integrations.filter((i) => i.id !== integrationId);
  if (!others.length) return 0;
  const otherVendors = others.filter((i) => i.vendor !== vendor).map((i) => i.id);
  const batch = (await client.query<Candidate>(
    // A person's decision (a manual person link, a pair decided non_match) outranks the exact key.
    `${byExternalIds(CANDIDATE_COLUMNS)} AND r.linked_patient_id IS NULL AND r.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM person_links pl WHERE pl.record_id = r.id AND pl.method = 'manual')
       AND NOT EXISTS (SELECT 1 FROM person_match_candidates c WHERE c.status = 'non_match' AND (c.record_a = r.id OR c.record_b = r.id))`,
    [integrationId, 'patients', externalIds],
  )).rows;
  if (!batch.length) return 0;
  // Patients others already link to stay roots.
  const targets = new Set((await client.query<{ id: string }>(
    `SELECT DISTINCT linked_patient_id AS id FROM records WHERE linked_patient_id = ANY($1::uuid[])`, [batch.map((b) => b.id)],
  )).rows.map((r) => r.id));
  const open = batch.filter((b) => !targets.has(b.id));
  if (!open.length) return 0;

  const roots = `resource_type = 'patients' AND linked_patient_id IS NULL AND deleted_at IS NULL AND organization_id = $1 AND integration_id <> $3`;
  const linkKeys = otherVendors.length ? [...new Set(open.flatMap((b) => b.link_keys ?? []))] : [];
  const byIdentifier = linkKeys.length ? (await client.query<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM records
      WHERE ${roots} AND integration_id = ANY($4::uuid[]) AND link_keys IS NOT NULL AND link_keys && $2::text[]`,
    [organizationId, linkKeys, integrationId, otherVendors],
  )).rows : [];
  const keys = [...new Set(open.map((b) => b.match_key).filter((k): k is string => !!k))];
  const byKey = keys.length ? (await client.query<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM records WHERE ${roots} AND match_key = ANY($2::text[])`,
    [organizationId, keys, integrationId],
  )).rows : [];

  const identifierOf = group(byIdentifier, (c) => c.link_keys ?? []);
  const keyOf = group(byKey, (c) => [c.match_key]);

  const ids: string[] = [];
  const linkTo: string[] = [];
  const reasons: LinkReason[] = [];
  for (const b of open) {
    const idMatches = new Map<string, Candidate>();
    for (const key of b.link_keys ?? []) {
      for (const c of identifierOf.get(key)?.values() ?? []) if (datesAgree(b.birth_date, c.birth_date)) idMatches.set(c.id, c);
    }
    if (idMatches.size) {
      const target = only(idMatches);
      if (target) (ids.push(b.id), linkTo.push(target.id), reasons.push('external_id'));
      continue; // an ambiguous identifier match is not resolved by name
    }
    const target = b.match_key ? only(keyOf.get(b.match_key)) : null;
    if (target) (ids.push(b.id), linkTo.push(target.id), reasons.push('name_birthdate'));
  }
  if (!ids.length) return 0;
  const res = await client.query(
    `UPDATE records r SET linked_patient_id = l.target, link_reason = l.reason, linked_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS l(id, target, reason) WHERE r.id = l.id`,
    [ids, linkTo, reasons],
  );
  return res.rowCount ?? 0;
}
