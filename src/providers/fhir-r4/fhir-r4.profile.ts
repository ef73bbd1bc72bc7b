import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * Any FHIR R4 server with SMART Backend Services (Medplum, HAPI, Azure, Google, AWS HealthLake,
 * a health system's own): every resource by population search with `_lastUpdated` increments.
 * https://hl7.org/fhir/smart-app-launch/backend-services.html, https://hl7.org/fhir/R4/search.html
 */
export const FHIR_R4_PROFILE: FhirVendorProfile = {
  id: 'fhir-r4',
  name: 'FHIR R4 server (SMART Backend Services)',
  description: 'Reads any FHIR R4 server that offers SMART Backend Services (private_key_jwt RS384/ES384 or client_secret_basic) by paged search with _lastUpdated increments.',
  sources: ['https://hl7.org/fhir/smart-app-launch/backend-services.html', 'https://hl7.org/fhir/R4/search.html'],
  tenancy: { kind: 'path', example: 'https://fhir.example.org/r4' },
  tokenUrl: null,
  clientAuth: ['private_key_jwt', 'client_secret_basic'],
  countParam: '_count',
  maxCount: 1000,
  pageParam: 'server-defined',
  reads: {
    providers: { kind: 'search', incremental: true },
    locations: { kind: 'search', incremental: true },
    patients: { kind: 'search', incremental: true },
    coverages: { kind: 'search', incremental: true },
    appointments: { kind: 'search', incremental: true },
    documents: { kind: 'search', incremental: true },
    balances: { kind: 'unsupported', reason: 'FHIR R4 has no balance resource (Account carries no balance).' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: null,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference']),
};
