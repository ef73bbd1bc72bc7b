import { MARITAL_STATUS, MaritalStatus, Identifier, Patient, PatientStatus, SOURCE_ID_SYSTEM } from '../../../canonical';
import { normalizeSearchText } from '../../../common/search-text';
import type { FhirResource } from '../fhir-types';
import { addresses, conceptCode, date, displayName, identifierType, instant, link, names, obj, objs, str, telecom } from './elements';
import { FhirMapped, lastUpdated, MapOptions, rawCopy, replacedBy } from './resource';

/** Both spellings of the US SSN identifier system (the same OID, http://hl7.org/fhir/R4/identifier-registry.html). */
export const SSN_SYSTEMS = new Set(['http://hl7.org/fhir/sid/us-ssn', 'urn:oid:2.16.840.1.113883.4.1']);

const MARITAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus';

function isSsn(identifier: Record<string, unknown>): boolean {
  return typeof identifier.system === 'string' && SSN_SYSTEMS.has(identifier.system.trim());
}

/** The preferred first name: a `nickname` name's first given, else a current `usual` name whose first given differs from the official one. */
function preferredGiven(resource: FhirResource, official: string | null, now: number): string | null {
  const list = names(resource.name, now);
  const nickname = list.find((n) => n.use === 'nickname' && n.given[0]);
  if (nickname) return nickname.given[0];
  const usual = list.find((n) => n.use === 'usual' && n.given[0] && n.given[0] !== official);
  return usual && list.some((n) => n.use === 'official') ? usual.given[0] : null;
}

/**
 * FHIR R4 Patient (http://hl7.org/fhir/R4/patient.html, US Core 6.1 Patient) → canonical patient,
 * after `docs/vendors/fhir-r4.md` "Patient":
 * - names current first (official, usual, …); `preferredName` from a nickname or a different usual given;
 * - telecom without old or ended entries, by rank; addresses current, home first;
 * - identifiers kept as `{system, value, type}` (MRN = type MR), plus the logical id under `source:id`;
 *   SSN identifiers (both system spellings) go only to `sensitive.ssn` and `ssnLast4`, and are removed from `raw`;
 * - `deceasedDateTime`/`deceasedBoolean` → `deceased`, status `deceased`; `active = false` → `inactive`;
 * - `link.type = replaced-by` (merged into another patient) → `deleted: true`, status `deleted`.
 */
export function mapFhirPatient(resource: FhirResource, options: MapOptions = {}): FhirMapped<'patients'> {
  const now = options.now ?? Date.now();
  const externalId = String(resource.id);
  const identifiers: Identifier[] = [{ system: SOURCE_ID_SYSTEM, value: externalId, type: 'PI' }];
  let ssn: string | null = null;
  for (const identifier of objs(resource.identifier)) {
    const value = str(identifier.value);
    if (!value) continue;
    if (isSsn(identifier)) {
      const digits = value.replace(/\D/g, '');
      if (digits.length >= 4) ssn = ssn ?? digits;
      continue;
    }
    const system = str(identifier.system);
    if (system) identifiers.push({ system, value, type: identifierType(identifier) });
  }
  const nameList = names(resource.name, now);
  const official = nameList[0]?.given[0] ?? null;
  const preferred = preferredGiven(resource, official, now);
  const merged = replacedBy(resource);
  const deceasedAt = instant(resource.deceasedDateTime);
  const deceased = deceasedAt !== null || resource.deceasedBoolean === true;
  const status: PatientStatus = merged !== null ? 'deleted' : deceased ? 'deceased' : resource.active === false ? 'inactive' : 'active';
  const marital = conceptCode(resource.maritalStatus, MARITAL_SYSTEM);
  const communication = objs(resource.communication);
  const language = conceptCode((communication.find((c) => c.preferred === true) ?? communication[0])?.language);
  const birthDate = date(resource.birthDate);
  const gender = str(resource.gender);
  const data: Patient = {
    names: nameList,
    preferredName: preferred,
    displayName: displayName(nameList, preferred),
    birthDate,
    gender: gender === 'male' || gender === 'female' || gender === 'other' || gender === 'unknown' ? gender : null,
    status,
    sourceStatus: merged !== null ? 'replaced-by' : resource.active === false ? 'active=false' : deceased ? 'deceased' : resource.active === true ? 'active=true' : null,
    telecom: telecom(resource.telecom, now),
    addresses: addresses(resource.address, now),
    identifiers,
    ssnLast4: ssn ? ssn.slice(-4) : null,
    deceased,
    deceasedDateTime: deceasedAt,
    maritalStatus: marital && (MARITAL_STATUS as readonly string[]).includes(marital) ? (marital as MaritalStatus) : null,
    language,
    primaryProvider: objs(resource.generalPractitioner).map((r) => link(r, 'Practitioner')).find((l) => l !== null) ?? null,
    primaryLocation: null,
    guarantor: null,
    firstVisitDate: null,
  };
  return {
    externalId,
    data,
    deleted: merged !== null,
    raw: rawCopy(resource, (copy) => {
      if (Array.isArray(copy.identifier)) copy.identifier = copy.identifier.filter((i) => !(obj(i) && isSsn(obj(i)!)));
    }),
    sensitive: ssn ? { ssn } : undefined,
    sourceUpdatedAt: lastUpdated(resource),
    index: { searchText: normalizeSearchText(...nameList.flatMap((n) => [...n.given, n.family]), preferred), birthDate, status },
  };
}
