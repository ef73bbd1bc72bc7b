import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * Veradigm (Allscripts) as a FHIR R4 profile (FHIR-R4.md §2.2 "Veradigm", README §4.4): a base per
 * tenant (`https://fhir.fhirpoint.open.allscripts.com/fhirroute/fhir/{tenant}`), token
 * `…/fhirroute/authorizationV2/{tenant}/connect/token`; private_key_jwt through a developer-hosted
 * JWKS. No `_count`, no `_lastUpdated`, no Appointment, Slot, Schedule or Account
 * (CapabilityStatement "Veradigm FHIR 4.22.0.1").
 */
export const VERADIGM_PROFILE: FhirVendorProfile = {
  id: 'veradigm',
  name: 'Veradigm (Allscripts, FHIR R4)',
  description: 'Veradigm / Allscripts EHRs through their per-tenant FHIR R4 base (private_key_jwt with a JWKS URL).',
  sources: [
    'https://github.com/api-evangelist/allscripts (conformance/allscripts-fhir-r4-capabilitystatement.json)',
    'https://fhir.fhirpoint.open.allscripts.com/fhirroute/fhir/CP00101/metadata',
  ],
  tenancy: { kind: 'path', example: 'https://fhir.fhirpoint.open.allscripts.com/fhirroute/fhir/CP00101' },
  tokenUrl: { match: '^(https://[^/]+/fhirroute)/fhir/([^/]+)$', replace: '$1/authorizationV2/$2/connect/token' },
  clientAuth: ['private_key_jwt'],
  countParam: null,
  maxCount: 1000,
  pageParam: 'server-defined next links',
  reads: {
    providers: { kind: 'search', incremental: false },
    locations: { kind: 'search', incremental: false },
    patients: { kind: 'search', incremental: false },
    coverages: { kind: 'search', incremental: false },
    documents: { kind: 'search', incremental: false },
    appointments: { kind: 'unsupported', reason: 'Veradigm has no Appointment in its FHIR R4 CapabilityStatement.' },
    balances: { kind: 'unsupported', reason: 'No Account resource in the CapabilityStatement.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: null,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Coverage', 'DocumentReference']),
};
