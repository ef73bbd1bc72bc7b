import { normalizeSearchText } from '../../common/search-text';
import { NPI_SYSTEM, SOURCE_ID_SYSTEM, humanName, identifiers, link } from '../../canonical';
import { CanonicalRecord } from '../provider-adapter';
import { PROV_STATUS, enumName, odBool } from './enums';
import { fk, odDate, text } from './values';

/** NUCC taxonomy code (http://www.nucc.org) of a dental hygienist, for an IsSecondary provider without TaxonomyCodeOverride. */
const DENTAL_HYGIENIST = '124Q00000X';

/**
 * Maps an OpenDental `provider` row to a canonical `Practitioner` (FHIR R4 Practitioner).
 * ProvStatus Deleted marks the record deleted (providers are soft-deleted, §1.7) and gives
 * `status: deleted`; IsSecondary means hygienist; `specialtyCode` is TaxonomyCodeOverride, else
 * the NUCC hygienist code for a hygienist (null for others: Specialty is a practice definition); NationalProvID is the NPI. The provider's
 * SSN/TIN column is never copied.
 */
export function mapProvider(row: Record<string, unknown>): CanonicalRecord<'providers'> {
  const raw: Record<string, unknown> = { ...row, SSN: undefined };
  const status = enumName(PROV_STATUS, row.ProvStatus) ?? 'Active';
  const firstName = text(row.FName);
  const lastName = text(row.LName);
  const preferred = text(row.PreferredName);
  const npi = text(row.NationalProvID);
  const externalId = String(row.ProvNum);
  const isHygienist = odBool(row.IsSecondary);
  const names = [humanName('official', lastName, [firstName, text(row.MI)], [], [text(row.Suffix)])];
  if (preferred) names.push(humanName('usual', lastName, [preferred]));
  return {
    externalId,
    deleted: status === 'Deleted',
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      names,
      displayName: [firstName, lastName].filter(Boolean).join(' ') || text(row.Abbr),
      npi,
      identifiers: identifiers([[SOURCE_ID_SYSTEM, externalId, 'PRN'], [NPI_SYSTEM, npi, 'NPI']]),
      telecom: [],
      status: status === 'Deleted' ? 'deleted' : 'active',
      sourceStatus: status,
      specialtyCode: text(row.TaxonomyCodeOverride) ?? (isHygienist ? DENTAL_HYGIENIST : null),
      isHygienist,
      abbreviation: text(row.Abbr),
      isHidden: odBool(row.IsHidden),
      terminationDate: odDate(row.DateTerm),
    },
    raw,
    index: { searchText: normalizeSearchText(firstName, lastName, text(row.Abbr)) },
  };
}

/**
 * Maps an OpenDental `operatory` (a chair/room) to a canonical `Location` of kind `room`.
 * Operatories are hidden, never deleted (§1.7): IsHidden gives `status: inactive`, not a delete.
 * ClinicNum is `partOf`, ProvDentist / ProvHygienist the default providers, IsWebSched
 * `isBookableOnline`, ItemOrder `sortOrder`.
 */
export function mapOperatory(row: Record<string, unknown>): CanonicalRecord<'locations'> {
  const name = text(row.OpName);
  return {
    externalId: String(row.OperatoryNum),
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      kind: 'room',
      name,
      abbreviation: text(row.Abbrev),
      status: odBool(row.IsHidden) ? 'inactive' : 'active',
      partOf: link(fk(row.ClinicNum)),
      address: null,
      telecom: [],
      isHygiene: odBool(row.IsHygiene),
      isBookableOnline: odBool(row.IsWebSched),
      defaultProvider: link(fk(row.ProvDentist)),
      defaultHygienist: link(fk(row.ProvHygienist)),
      sortOrder: row.ItemOrder === undefined || row.ItemOrder === null || row.ItemOrder === '' ? null : Number(row.ItemOrder),
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(name) },
  };
}

/** True when a mapper returned a record rather than a skip issue. */
export function isRecord<R extends CanonicalRecord>(value: R | { code: string }): value is R {
  return (value as R).data !== undefined;
}
