import { FhirObject } from './converters/datatypes';
import { SEARCH_PARAMS, SERVED_TYPES } from './fhir-resource-types';

/** When this process started: the CapabilityStatement's `date` (what is served changes only with a deploy). */
const STARTED = new Date().toISOString();

/**
 * The CapabilityStatement of exactly what /fhir/R4 serves (http://hl7.org/fhir/R4/capabilitystatement.html):
 * FHIR 4.0.1, JSON only, `read` and `search-type` on six resource types with their search
 * parameters, Bearer API keys (the organization's, as for /api/v1).
 */
export function capabilityStatement(base: string): FhirObject {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STARTED,
    publisher: 'EHR Sync Hub',
    kind: 'instance',
    software: { name: 'EHR Sync Hub', version: '0.1.0' },
    implementation: { description: 'EHR Sync Hub FHIR R4 read API over the synchronized store', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      documentation: 'Read-only. Searches page with an opaque _cursor in the next link; deleted records answer 410 on read and never appear in searches.',
      security: { description: 'Authorization: Bearer <organization API key> on every route except metadata.' },
      resource: Object.keys(SERVED_TYPES).map((type) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'search-type' }],
        versioning: 'versioned',
        readHistory: false,
        searchParam: SEARCH_PARAMS[type as keyof typeof SERVED_TYPES].map((p) => ({ name: p.name, type: p.type, documentation: p.documentation })),
      })),
    }],
  };
}
