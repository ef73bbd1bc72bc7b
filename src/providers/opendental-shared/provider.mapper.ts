import { normalizeSearchText } from '../../common/search-text';
import { CanonicalRecord } from '../provider-adapter';
import { PROV_STATUS, enumName, odBool } from './enums';
import { fk, odDate, text } from './values';

/**
 * Maps an OpenDental `provider` row to a canonical provider (FHIR Practitioner-like).
 * ProvStatus Deleted marks the record deleted (providers are soft-deleted, §1.7); IsSecondary
 * means hygienist; the provider's SSN/TIN column is never copied.
 */
export function mapProvider(row: Record<string, unknown>): CanonicalRecord {
  const raw: Record<string, unknown> = { ...row, SSN: undefined };
  const status = enumName(PROV_STATUS, row.ProvStatus) ?? 'Active';
  const firstName = text(row.FName);
  const lastName = text(row.LName);
  return {
    externalId: String(row.ProvNum),
    deleted: status === 'Deleted',
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      abbreviation: text(row.Abbr),
      firstName,
      middleInitial: text(row.MI),
      lastName,
      suffix: text(row.Suffix),
      preferredName: text(row.PreferredName),
      displayName: [firstName, lastName].filter(Boolean).join(' ') || text(row.Abbr),
      npi: text(row.NationalProvID),
      isHygienist: odBool(row.IsSecondary),
      isHidden: odBool(row.IsHidden),
      isPerson: !odBool(row.IsNotPerson),
      status: status === 'Deleted' ? 'deleted' : 'active',
      terminationDate: odDate(row.DateTerm),
    },
    raw,
    index: { searchText: normalizeSearchText(firstName, lastName, text(row.Abbr)) },
  };
}

/**
 * Maps an OpenDental `operatory` (a chair/room) to a canonical location. Operatories are
 * hidden, never deleted (§1.7), so `isHidden` is data, not a delete.
 */
export function mapOperatory(row: Record<string, unknown>): CanonicalRecord {
  const name = text(row.OpName);
  return {
    externalId: String(row.OperatoryNum),
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      kind: 'operatory',
      name,
      abbreviation: text(row.Abbrev),
      isHidden: odBool(row.IsHidden),
      isHygiene: odBool(row.IsHygiene),
      isWebSched: odBool(row.IsWebSched),
      clinicExternalId: fk(row.ClinicNum),
      dentistExternalId: fk(row.ProvDentist),
      hygienistExternalId: fk(row.ProvHygienist),
      itemOrder: row.ItemOrder === undefined || row.ItemOrder === null ? null : Number(row.ItemOrder),
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(name) },
  };
}

/** True when a mapper returned a record rather than a skip issue. */
export function isRecord(value: CanonicalRecord | { code: string }): value is CanonicalRecord {
  return (value as CanonicalRecord).data !== undefined;
}
