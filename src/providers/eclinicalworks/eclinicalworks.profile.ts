import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * eClinicalWorks as a FHIR R4 profile (FHIR-R4.md §2.2 "eClinicalWorks", README §4.4): a base per
 * practice (`https://fhir4.eclinicalworks.com/fhir/r4/{practice_code}`; Metriport uses
 * `fhir.ecwcloud.com`, so the base is configuration), token URL discovered at the tenant path
 * (the host root answers 400), RS384 private_key_jwt with a JWKS URL. Paging by `page`, no
 * `_count`, no `_lastUpdated`, no Appointment in the CapabilityStatement (Facade 1.6). 250 calls a
 * minute per base URL since 2025-10-07, a 429 blocks the rest of the minute without Retry-After.
 */
export const ECLINICALWORKS_PROFILE: FhirVendorProfile = {
  id: 'eclinicalworks',
  name: 'eClinicalWorks (FHIR R4)',
  description: 'eClinicalWorks practices through their practice-code FHIR R4 base (private_key_jwt RS384 with a JWKS URL).',
  sources: [
    'https://fhir4.eclinicalworks.com/fhir/r4/FEIGCD/metadata', 'https://connect4.healow.com/apps/jsp/dev/r4/fhirClinicalDocumentation.jsp',
    'https://nango.dev/docs/api-integrations/eclinicalworks/connect', 'https://github.com/onc-healthit/onc-certification-g10-test-kit/issues/420',
  ],
  tenancy: { kind: 'path', example: 'https://fhir4.eclinicalworks.com/fhir/r4/FEIGCD' },
  tokenUrl: null,
  clientAuth: ['private_key_jwt'],
  countParam: null,
  maxCount: 1000,
  pageParam: 'page',
  reads: {
    providers: { kind: 'search', incremental: false },
    locations: { kind: 'search', incremental: false },
    patients: { kind: 'search', incremental: false },
    coverages: { kind: 'search', incremental: false },
    documents: { kind: 'search', incremental: false },
    appointments: { kind: 'unsupported', reason: 'eClinicalWorks has no Appointment in its FHIR R4 CapabilityStatement.' },
    balances: { kind: 'unsupported', reason: 'No Account resource in the CapabilityStatement.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: 250,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Coverage', 'DocumentReference']),
};
