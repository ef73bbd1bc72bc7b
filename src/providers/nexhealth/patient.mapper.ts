import { normalizeSearchText } from '../../common/search-text';
import {
  Address, AdministrativeGender, ContactPointUse, PatientStatus, SOURCE_CHART_NUMBER_SYSTEM, SOURCE_ID_SYSTEM,
  address, humanName, identifiers, link, pmsPatientKeySystem, telecom,
} from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';

/** A NexHealth patient as GET /patients or GET /patients/{id} returns it (v3.0.0 schemas; `bio` fields may be missing or ""). */
export type NexPatientJson = Record<string, unknown> & { id: number; bio?: Record<string, unknown> | null };

/** Options of the patient mapping from the integration's config. */
export interface NexPatientMapOptions {
  requireBirthdate: boolean;
  /** The integration's NexHealth location (list rows do not say which location they were read for). */
  locationId: number;
}

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

const GENDER: Record<string, AdministrativeGender> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown', m: 'male', f: 'female' };

/** `foreign_id_type` prefix of patients NexHealth mirrors from an OpenDental database (its synchronizer is named `msg-opendental-<source>`). */
const OPENDENTAL_SOURCE_PREFIX = 'msg-opendental';

/**
 * The identifier a NexHealth `foreign_id` becomes: the EHR's own patient key under that EHR's
 * PMS key system when NexHealth names the EHR (today OpenDental: `msg-opendental-*` → the PatNum
 * under `pmsPatientKeySystem('opendental')`, the system OpenDental patients carry their PatNum
 * under), so the patient linker can match the two without knowing either vendor. Null otherwise.
 */
export function foreignIdentifier(foreignId: string | null, foreignIdType: string | null): [string, string, 'PI'] | null {
  if (!foreignId || !foreignIdType || !foreignIdType.toLowerCase().startsWith(OPENDENTAL_SOURCE_PREFIX)) return null;
  return [pmsPatientKeySystem('opendental'), foreignId, 'PI'];
}

/**
 * Maps a NexHealth patient (§3 Patient object) to a canonical `Patient` (src/canonical/patient.ts),
 * the same shape every vendor produces (docs/canonical-model.md has the field table):
 * - names: `official` = first_name, middle_name, last_name (`text` = name); `displayName` = name;
 * - `birthDate` = bio.date_of_birth; `gender` = bio.gender as FHIR AdministrativeGender;
 * - `status`: inactive → `inactive`, bio.non_patient → `non_patient`, else `active`; `sourceStatus` the NexHealth flag;
 * - `telecom`: bio cell (mobile), home, work phone ranked in that order (bio.phone_number when none of them), then email;
 * - address from bio (address_line_1 or street_address, address_line_2, city, state, zip_code);
 * - identifiers: id (PI), chart_id (MR), and `foreign_id` under the EHR's key system (see {@link foreignIdentifier});
 * - links: `primaryProvider` = provider_id, `guarantor` = guarantor_id, `primaryLocation` = location_id (else the integration's location).
 * Returns a skip issue `missing_birthdate` when `requireBirthdate` is on and there is none.
 */
export function mapNexPatient(row: NexPatientJson, options: NexPatientMapOptions): CanonicalRecord<'patients'> | RecordIssue {
  const externalId = String(row.id);
  const bio = (row.bio && typeof row.bio === 'object' ? row.bio : {}) as Record<string, unknown>;
  const birthDate = str(bio.date_of_birth)?.slice(0, 10) ?? null;
  if (!birthDate && options.requireBirthdate) return { externalId, code: 'missing_birthdate', message: 'Patient has no date_of_birth and requireBirthdate is on' };
  const firstName = str(row.first_name);
  const lastName = str(row.last_name);
  const inactive = row.inactive === true;
  const status: PatientStatus = inactive ? 'inactive' : bio.non_patient === true ? 'non_patient' : 'active';
  const gender = str(bio.gender)?.toLowerCase();
  const cell = str(bio.cell_phone_number);
  const home = str(bio.home_phone_number);
  const work = str(bio.work_phone_number);
  const phones: Array<[ContactPointUse | null, string | null]> = cell || home || work
    ? [['mobile', cell], ['home', home], ['work', work]]
    : [[null, str(bio.phone_number)]];
  const name = humanName('official', lastName, [firstName, str(row.middle_name)]);
  const fullName = str(row.name);
  if (fullName) name.text = fullName;
  const foreign = foreignIdentifier(str(row.foreign_id), str(row.foreign_id_type));
  return {
    externalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      names: [name],
      preferredName: null,
      displayName: fullName ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
      birthDate,
      gender: gender ? GENDER[gender] ?? 'other' : null,
      status,
      sourceStatus: inactive ? 'inactive' : bio.non_patient === true ? 'non_patient' : 'active',
      telecom: telecom(phones, str(row.email)),
      addresses: homeAddress(bio),
      identifiers: identifiers([
        [SOURCE_ID_SYSTEM, externalId, 'PI'],
        [SOURCE_CHART_NUMBER_SYSTEM, str(row.chart_id), 'MR'],
        ...(foreign ? [foreign] : []),
      ]),
      ssnLast4: null,
      deceased: false,
      deceasedDateTime: null,
      maritalStatus: null,
      language: str(row.preferred_language),
      primaryProvider: link(idOf(row.provider_id)),
      primaryLocation: link(idOf(row.location_id) ?? String(options.locationId)),
      guarantor: link(idOf(row.guarantor_id)),
      firstVisitDate: null,
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(firstName, lastName), birthDate, status },
  };
}

function homeAddress(bio: Record<string, unknown>): Address[] {
  const home = address('home', [str(bio.address_line_1) ?? str(bio.street_address), str(bio.address_line_2)], str(bio.city), str(bio.state), str(bio.zip_code), null);
  return home ? [home] : [];
}
