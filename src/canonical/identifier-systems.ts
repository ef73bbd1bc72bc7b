/**
 * Identifier systems (URIs) the canonical model knows by name. Ids that only mean something
 * inside one integration use `SOURCE_SYSTEM_PREFIX` + a name (`source:patient-id`); the FHIR
 * read API rewrites those to one URI per integration (`urn:ehr-sync-hub:integration:<id>:<name>`).
 */

/** Prefix of integration-scoped identifier systems. */
export const SOURCE_SYSTEM_PREFIX = 'source:';

/** The source record's own key (PatNum, a NexHealth id, a FHIR logical id). */
export const SOURCE_ID_SYSTEM = `${SOURCE_SYSTEM_PREFIX}id`;

/** A chart / medical record number the practice assigns. */
export const SOURCE_CHART_NUMBER_SYSTEM = `${SOURCE_SYSTEM_PREFIX}chart-number`;

/** A Medicaid id recorded at the source (the state is not known, so it is integration-scoped). */
export const SOURCE_MEDICAID_SYSTEM = `${SOURCE_SYSTEM_PREFIX}medicaid-id`;

/** US National Provider Identifier. http://hl7.org/fhir/R4/identifier-registry.html */
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/**
 * A practice-management system's own patient key as another source reports it (a synchronizer
 * such as NexHealth names the PMS record it mirrors). Two sources of one organization whose
 * patients carry the same `(system, value)` are linked by the patient linker: the PMS's own
 * patients carry their key under the same system. Vendors declare their system here so both
 * sides spell it alike: `pmsPatientKeySystem('opendental')` = `urn:ehr-sync-hub:pms:opendental:patient`.
 */
export function pmsPatientKeySystem(pms: string): string {
  return `urn:ehr-sync-hub:pms:${pms.toLowerCase()}:patient`;
}

/** True for a system the linker may match across integrations (well-known, not integration-scoped). */
export function isLinkableSystem(system: string): boolean {
  return system.startsWith('urn:ehr-sync-hub:pms:');
}
