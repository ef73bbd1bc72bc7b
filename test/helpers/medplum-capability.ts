import { getSearchParameters } from '@medplum/core';

/** The resource types the foreign server is seeded with and lists in its CapabilityStatement. */
export const FOREIGN_TYPES = ['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference'] as const;

/**
 * The foreign server's CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html):
 * `@medplum/fhir-router` serves none (its `metadata` is Medplum's server's own code), so it is
 * built here from the search parameters Medplum indexed for each type, plus `_lastUpdated`,
 * `_count` and `_offset`, and the system-level `export` operation.
 */
export function capabilityStatement(): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement', status: 'active', date: '2026-12-01', kind: 'instance', fhirVersion: '4.0.1',
    format: ['application/fhir+json'], software: { name: 'Medplum fhir-router (MemoryRepository) test server', version: '5.2.13' },
    rest: [{
      mode: 'server',
      security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }] },
      resource: FOREIGN_TYPES.map((type) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'search-type' }],
        searchParam: [
          ...Object.values(getSearchParameters(type) ?? {}).filter((p) => !p.code.startsWith('_')).map((p) => ({ name: p.code, type: p.type })),
          { name: '_lastUpdated', type: 'date' }, { name: '_count', type: 'number' }, { name: '_offset', type: 'number' },
        ],
      })),
      operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
    }],
  };
}
