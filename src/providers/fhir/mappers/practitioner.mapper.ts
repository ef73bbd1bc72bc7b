import { Identifier, Location, LOCATION_STATUS, LocationStatus, NPI_SYSTEM, Practitioner, SOURCE_ID_SYSTEM } from '../../../canonical';
import { normalizeSearchText } from '../../../common/search-text';
import type { FhirResource } from '../fhir-types';
import { address, conceptCode, displayName, identifierType, link, names, objs, str, telecom } from './elements';
import { FhirMapped, lastUpdated, MapOptions, rawCopy } from './resource';

/** US Core us-core-16/17: an NPI is 10 digits whose Luhn check over `80840` + the digits holds. */
export function isValidNpi(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const digits = `80840${value}`.split('').map(Number);
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits[i];
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * FHIR R4 Practitioner (http://hl7.org/fhir/R4/practitioner.html, US Core Practitioner) →
 * canonical provider: names as for patients, NPI from the `http://hl7.org/fhir/sid/us-npi`
 * identifier when it passes the Luhn check, `active = false` → `inactive`. Specialty lives on
 * PractitionerRole, which this mapper does not read (`specialtyCode` null).
 */
export function mapFhirPractitioner(resource: FhirResource, options: MapOptions = {}): FhirMapped<'providers'> {
  const now = options.now ?? Date.now();
  const externalId = String(resource.id);
  const identifiers: Identifier[] = [{ system: SOURCE_ID_SYSTEM, value: externalId, type: 'PI' }];
  let npi: string | null = null;
  for (const identifier of objs(resource.identifier)) {
    const system = str(identifier.system);
    const value = str(identifier.value);
    if (!system || !value) continue;
    if (system === NPI_SYSTEM) {
      if (!isValidNpi(value)) continue;
      npi = npi ?? value;
      identifiers.push({ system, value, type: 'NPI' });
    } else identifiers.push({ system, value, type: identifierType(identifier) });
  }
  const nameList = names(resource.name, now);
  const data: Practitioner = {
    names: nameList, displayName: displayName(nameList), npi, identifiers, telecom: telecom(resource.telecom, now),
    status: resource.active === false ? 'inactive' : 'active', sourceStatus: typeof resource.active === 'boolean' ? `active=${resource.active}` : null,
    specialtyCode: null, isHygienist: false, abbreviation: null, isHidden: false, terminationDate: null,
  };
  return {
    externalId, data, raw: rawCopy(resource), sourceUpdatedAt: lastUpdated(resource),
    index: { searchText: normalizeSearchText(...nameList.flatMap((n) => [...n.given, n.family])), status: data.status },
  };
}

/**
 * FHIR R4 Location (http://hl7.org/fhir/R4/location.html, US Core Location) → canonical location:
 * `physicalType` `ro` (room) → kind `room`, anything else `site`; `status`, first `alias` as
 * the abbreviation, `partOf` (a Location), address and telecom.
 */
export function mapFhirLocation(resource: FhirResource, options: MapOptions = {}): FhirMapped<'locations'> {
  const now = options.now ?? Date.now();
  const status = str(resource.status);
  const alias = Array.isArray(resource.alias) ? str(resource.alias[0]) : null;
  const data: Location = {
    kind: conceptCode(resource.physicalType) === 'ro' ? 'room' : 'site',
    name: str(resource.name), abbreviation: alias,
    status: status && (LOCATION_STATUS as readonly string[]).includes(status) ? (status as LocationStatus) : 'active',
    partOf: link(resource.partOf, 'Location'), address: address(resource.address), telecom: telecom(resource.telecom, now),
    isHygiene: false, isBookableOnline: false, defaultProvider: null, defaultHygienist: null, sortOrder: null,
  };
  return {
    externalId: String(resource.id), data, raw: rawCopy(resource), sourceUpdatedAt: lastUpdated(resource),
    index: { searchText: normalizeSearchText(data.name, alias), status: data.status },
  };
}
