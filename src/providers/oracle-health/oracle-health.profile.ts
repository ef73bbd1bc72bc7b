import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * Oracle Health (Cerner Millennium) as a FHIR R4 profile (FHIR-R4.md §2.2 "Oracle Health",
 * README §4.4): the tenant id is in the path (`https://fhir-ehr.cerner.com/r4/{tenant}`), the
 * token URL carries it too and is read from the tenant's smart-configuration; private_key_jwt or
 * client_secret_basic. No `_lastUpdated` on Patient, Appointment, Location or Coverage.
 * Appointment search needs `date` with one of `patient`, `practitioner` or `location` (comma lists
 * allowed), so appointments are read in a rolling window across the stored locations. Paging by
 * opaque `pageContext` links that may repeat an id (de-duplicated by the client).
 */
export const ORACLE_HEALTH_PROFILE: FhirVendorProfile = {
  id: 'oracle-health',
  name: 'Oracle Health (Cerner Millennium, FHIR R4)',
  description: 'Oracle Health Millennium tenants through their FHIR R4 base (private_key_jwt RS384/ES384 or client_secret_basic); books from Slots, cancels and confirms with JSON Patch and If-Match.',
  sources: [
    'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/op-appointment-get.html',
    'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/api-appointment.html',
    'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/op-appointment-post.html',
    'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/op-appointment-id-patch.html',
    'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfbda/group_export.html',
    'https://github.com/cerner/fhir.cerner.com/pull/899',
  ],
  tenancy: { kind: 'path', example: 'https://fhir-ehr.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d' },
  tokenUrl: null,
  clientAuth: ['private_key_jwt', 'client_secret_basic'],
  countParam: '_count',
  maxCount: 100,
  pageParam: 'pageContext',
  reads: {
    providers: { kind: 'search', incremental: false },
    locations: { kind: 'search', incremental: false },
    patients: { kind: 'search', incremental: false },
    appointments: { kind: 'window', pastDays: 30, futureDays: 180, scope: { param: 'location', from: 'locations' } },
    coverages: { kind: 'per-patient', param: 'patient' },
    documents: { kind: 'per-patient', param: 'patient' },
    balances: { kind: 'unsupported', reason: 'FHIR R4 Account has no balance.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: ['create_patient', 'create_appointment', 'cancel_appointment', 'confirm_appointment'],
  writeBack: ['create_patient', 'create_appointment', 'cancel_appointment', 'confirm_appointment'],
  callsPerMinute: null,
  defaultScope: `${systemScopes(['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference', 'Slot'])} system/Patient.write system/Appointment.write`,
};
