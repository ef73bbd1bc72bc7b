import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * NextGen Enterprise as a FHIR R4 profile (FHIR-R4.md §2.2 "NextGen"): base
 * `https://fhir.nextgen.com/nge/prod/fhir-api-r4/fhir/R4`, token `…/nge/prod/patient-oauth/token`;
 * every resource takes `_lastUpdated` and `_maxresults` (no `_count`); no Appointment and no Bulk
 * in its CapabilityStatement (5.0.1.698). NextGen Office (a HAPI server with a separate Bulk API)
 * is reachable through `fhir-r4` with its own base.
 */
export const NEXTGEN_PROFILE: FhirVendorProfile = {
  id: 'nextgen',
  name: 'NextGen Enterprise (FHIR R4)',
  description: 'NextGen Enterprise practices through the NextGen FHIR R4 API (private_key_jwt or client_secret_basic).',
  sources: [
    'https://github.com/api-evangelist/nextgen-healthcare (fhir/nextgen-enterprise-r4-capabilitystatement.json)',
    'https://fhir.nextgen.com/nge/prod/fhir-api-r4/fhir/R4/metadata',
  ],
  tenancy: { kind: 'path', example: 'https://fhir.nextgen.com/nge/prod/fhir-api-r4/fhir/R4' },
  tokenUrl: { match: '^(https://fhir\\.nextgen\\.com/nge/prod)/fhir-api-r4/fhir/R4$', replace: '$1/patient-oauth/token' },
  clientAuth: ['private_key_jwt', 'client_secret_basic'],
  countParam: '_maxresults',
  maxCount: 100,
  pageParam: 'server-defined next links',
  reads: {
    providers: { kind: 'search', incremental: true },
    locations: { kind: 'search', incremental: true },
    patients: { kind: 'search', incremental: true },
    coverages: { kind: 'search', incremental: true },
    documents: { kind: 'search', incremental: true },
    appointments: { kind: 'unsupported', reason: 'NextGen Enterprise has no Appointment in its FHIR R4 CapabilityStatement.' },
    balances: { kind: 'unsupported', reason: 'No Account resource in the CapabilityStatement.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: null,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Coverage', 'DocumentReference']),
};
