import { Connection } from 'mysql2';
import { ResourceType } from '../provider-adapter';
import { APT_STATUS, PAT_STATUS, PROV_STATUS, enumValue } from '../opendental-shared/enums';
import { query } from './mysql-connection';
import { OpenDentalDbConfig } from './opendental-db.config';
import { streamsFor } from './resource-readers';

/**
 * What the mappers leave out of the live records, as SQL over the stream's own table (the read's
 * filters come from {@link streamsFor} itself, so the two cannot drift apart):
 * - patients: PatStatus Deleted is stored deleted; with `requireBirthdate` a patient without a
 *   birth date (year 0001 or 0000, OpenDental's DateTime.MinValue; `odDate`) is skipped;
 * - providers: ProvStatus Deleted is stored deleted (operatories are hidden, never deleted);
 * - appointments: PtNote / PtNoteCompleted rows are skipped (`patient_note`); deleted
 *   appointments are gone from the table (their `deletedobject` rows become tombstones).
 * Coverages and documents are not counted: OpenDental hard-deletes patplan and document rows
 * without a tombstone (schema §1.7), so the store keeps them and a count would always disagree.
 */
function liveConditions(resource: ResourceType, config: OpenDentalDbConfig): string[] | null {
  switch (resource) {
    case 'patients':
      return [`PatStatus <> ${enumValue(PAT_STATUS, 'Deleted')}`, ...(config.requireBirthdate ? ['YEAR(Birthdate) > 1'] : [])];
    case 'providers':
      return [`ProvStatus <> ${enumValue(PROV_STATUS, 'Deleted')}`];
    case 'locations':
      return [];
    case 'appointments':
      return [`AptStatus NOT IN (${enumValue(APT_STATUS, 'PtNote')}, ${enumValue(APT_STATUS, 'PtNoteCompleted')})`];
    default:
      return null;
  }
}

/**
 * `SELECT COUNT(*)` of the rows a full read of `resource` would store as live records: the first
 * stream's table with the read's own filters (clinics, patient statuses), the mapper's skip and
 * delete rules ({@link liveConditions}) and the read's bound `DateTStamp < NOW()` (rows stamped in
 * the current second are left to the next run, keyset-stream.ts). Null for resources not counted.
 * @throws ProviderException on query errors (mysql-connection.ts translates them).
 */
export async function countLiveRows(connection: Connection, resource: ResourceType, config: OpenDentalDbConfig): Promise<number | null> {
  const live = liveConditions(resource, config);
  const stream = streamsFor(resource, config)[0];
  if (live === null || !stream || stream.query.ts === null) return null;
  const where = [...stream.query.where, ...live, `${stream.query.ts} < NOW()`];
  const [row] = await query<{ n: number | string }>(connection, `SELECT COUNT(*) AS n FROM ${stream.query.table} WHERE ${where.join(' AND ')}`, stream.query.params);
  return Number(row.n);
}
