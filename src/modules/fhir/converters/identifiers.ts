import { IDENTIFIER_TYPE, Identifier, SOURCE_SYSTEM_PREFIX } from '../../../canonical';

/** URI naming an integration, used as `meta.source` (http://hl7.org/fhir/R4/resource-definitions.html#Meta.source). */
export function integrationUri(integrationId: string): string {
  return `urn:ehr-sync-hub:integration:${integrationId}`;
}

const SCOPED = /^urn:ehr-sync-hub:integration:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(.+)$/i;

/**
 * The FHIR identifier system of a canonical one: integration-scoped systems (`source:<name>`)
 * become `urn:ehr-sync-hub:integration:<integrationId>:<name>` (one URI per integration);
 * well-known systems (NPI, a PMS key) are kept.
 */
export function systemUri(system: string, integrationId: string): string {
  return system.startsWith(SOURCE_SYSTEM_PREFIX) ? `${integrationUri(integrationId)}:${system.slice(SOURCE_SYSTEM_PREFIX.length)}` : system;
}

/** The stored system (and the integration it is scoped to) of a FHIR identifier system: the reverse of {@link systemUri}. */
export function systemToStored(system: string): { system: string; integrationId: string | null } {
  const scoped = SCOPED.exec(system);
  if (scoped) return { system: `${SOURCE_SYSTEM_PREFIX}${scoped[2]}`, integrationId: scoped[1].toLowerCase() };
  return { system, integrationId: null };
}

/** http://terminology.hl7.org/CodeSystem/v2-0203: the identifier type codes the canonical model uses. */
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** A FHIR Identifier (http://hl7.org/fhir/R4/datatypes.html#Identifier). */
export type FhirIdentifier = {
  system: string;
  value: string;
  type?: { coding: Array<{ system: string; code: string }> };
};

/** Canonical identifiers as FHIR Identifiers with the source's system; entries without a value are dropped. */
export function toIdentifiers(identifiers: Identifier[] | null | undefined, integrationId: string): FhirIdentifier[] {
  return (Array.isArray(identifiers) ? identifiers : [])
    .filter((i) => i && typeof i.value === 'string' && i.value.trim() !== '' && typeof i.system === 'string' && i.system !== '')
    .map((i) => ({
      system: systemUri(i.system, integrationId),
      value: i.value,
      ...((IDENTIFIER_TYPE as readonly string[]).includes(i.type ?? '') ? { type: { coding: [{ system: V2_0203, code: i.type as string }] } } : {}),
    }));
}
