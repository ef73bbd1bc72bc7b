import { normalizeSearchText } from '../../common/search-text';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';

/** A NexHealth patient as GET /patients or GET /patients/{id} returns it (v3.0.0 schemas; `bio` fields may be missing or ""). */
export type NexPatientJson = Record<string, unknown> & { id: number; bio?: Record<string, unknown> | null };

/** Options of the patient mapping from the integration's config. */
export interface NexPatientMapOptions {
  requireBirthdate: boolean;
  /** The integration's NexHealth location (list rows do not say which location they were read for). */
  locationId: number;
}

type Phone = { type: 'mobile' | 'home' | 'work'; number: string };

/** Trimmed text, or null for empty values. */
export function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** An id as our external id, or null. */
export function idOf(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

const GENDER: Record<string, string> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown', m: 'male', f: 'female' };

function phones(bio: Record<string, unknown>): Phone[] {
  // Same order of preference as the OpenDental mapper: mobile > home > work.
  const list: Array<[Phone['type'], unknown]> = [['mobile', bio.cell_phone_number], ['home', bio.home_phone_number], ['work', bio.work_phone_number]];
  return list.flatMap(([type, value]) => {
    const number = str(value);
    return number ? [{ type, number }] : [];
  });
}

/**
 * Maps a NexHealth patient (§3 Patient object) to a canonical patient with the SAME data fields
 * the OpenDental mappers produce (opendental-shared/patient.mapper.ts), so both sources read alike:
 * - names: `firstName`, `lastName`, `middleInitial` (first letter of middle_name), `displayName` = name;
 * - `birthDate` = bio.date_of_birth; `gender` = bio.gender as FHIR AdministrativeGender;
 * - `status`: inactive → `inactive`, bio.non_patient → `non_patient`, else `active`; `sourceStatus` the NexHealth flags;
 * - `phones[]` typed mobile/home/work from bio (cell > home > work), `phone` the first of them or bio.phone_number;
 * - address from bio (address_line_1 or street_address, address_line_2, city, state, zip_code);
 * - links: `primaryProviderExternalId` = provider_id, `guarantorExternalId` = guarantor_id, `clinicExternalId` = the NexHealth location;
 * - `foreignId` / `foreignIdType`: the EHR's id (an OpenDental PatNum for `msg-opendental-*`), used to link to an OpenDental patient.
 * Returns a skip issue `missing_birthdate` when `requireBirthdate` is on and there is none.
 */
export function mapNexPatient(row: NexPatientJson, options: NexPatientMapOptions): CanonicalRecord | RecordIssue {
  const externalId = String(row.id);
  const bio = (row.bio && typeof row.bio === 'object' ? row.bio : {}) as Record<string, unknown>;
  const birthDate = str(bio.date_of_birth)?.slice(0, 10) ?? null;
  if (!birthDate && options.requireBirthdate) return { externalId, code: 'missing_birthdate', message: 'Patient has no date_of_birth and requireBirthdate is on' };
  const firstName = str(row.first_name);
  const lastName = str(row.last_name);
  const inactive = row.inactive === true;
  const status = inactive ? 'inactive' : bio.non_patient === true ? 'non_patient' : 'active';
  const list = phones(bio);
  const gender = str(bio.gender)?.toLowerCase();
  return {
    externalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      firstName,
      middleInitial: str(row.middle_name)?.slice(0, 1) ?? null,
      lastName,
      preferredName: null,
      displayName: str(row.name) ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
      title: null,
      birthDate,
      gender: gender ? GENDER[gender] ?? 'other' : null,
      status,
      sourceStatus: inactive ? 'Inactive' : bio.non_patient === true ? 'NonPatient' : 'Active',
      maritalStatus: null,
      email: str(row.email),
      phone: list[0]?.number ?? str(bio.phone_number),
      phones: list,
      address: {
        line1: str(bio.address_line_1) ?? str(bio.street_address), line2: str(bio.address_line_2), city: str(bio.city),
        state: str(bio.state), postalCode: str(bio.zip_code), country: null,
      },
      medicaidId: null,
      ssnLast4: null,
      chartNumber: str(row.chart_id),
      language: str(row.preferred_language),
      primaryProviderExternalId: idOf(row.provider_id),
      secondaryProviderExternalId: null,
      clinicExternalId: String(options.locationId),
      guarantorExternalId: idOf(row.guarantor_id),
      deceasedAt: null,
      firstVisitDate: null,
      isNewPatient: bio.new_patient === true,
      billingType: str(row.billing_type),
      foreignId: str(row.foreign_id),
      foreignIdType: str(row.foreign_id_type),
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(firstName, lastName), birthDate, status },
  };
}
