import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * Epic as a FHIR R4 profile (FHIR-R4.md §2.2 "Epic", README §4.4): one connection per health
 * system at `https://{interconnect}/api/FHIR/R4`, token at `{interconnect}/oauth2/token`; Backend
 * Systems apps sign with private_key_jwt and, since 2026-02-23, must register a JWKS URL. Patient
 * search needs demographics or an identifier and Appointment, Coverage and DocumentReference
 * searches are patient-based, so the population comes from `Group/{id}/$export` and the rest
 * per patient. Patient.Search over 100 matches fails (4127); expired search sessions answer 4113.
 */
export const EPIC_PROFILE: FhirVendorProfile = {
  id: 'epic',
  name: 'Epic (FHIR R4, Backend Systems)',
  description: 'Epic health systems through their Interconnect FHIR R4 base, as a Backend Systems app (private_key_jwt RS384/ES384; a JWKS URL is required for new apps).',
  sources: [
    'https://fhir.epic.com/Documentation?docId=oauth2', 'https://fhir.epic.com/Documentation?docId=fhir_bulk_data',
    'https://fhir.epic.com/Specifications?api=10450', 'https://fhir.epic.com/Developer/Management?id=20238', 'https://open.epic.com/Endpoints/R4',
  ],
  tenancy: { kind: 'path', example: 'https://fhir.epic.com/interconnect-fhir-oauth/api/FHIR/R4' },
  tokenUrl: { match: '^(https?://.+)/api/FHIR/R4$', replace: '$1/oauth2/token' },
  clientAuth: ['private_key_jwt'],
  countParam: '_count',
  maxCount: 100,
  pageParam: 'opaque next link (search session; 4113 when expired)',
  expiredCursorCodes: ['4113'],
  reads: {
    providers: { kind: 'search', incremental: false },
    locations: { kind: 'search', incremental: false },
    patients: { kind: 'bulk-group', since: false, reason: 'Epic Patient search needs demographics or an identifier, so patients come from Group/{groupId}/$export (config.groupId; Epic exports are not incremental).' },
    appointments: { kind: 'per-patient', param: 'patient' },
    coverages: { kind: 'per-patient', param: 'patient' },
    documents: { kind: 'per-patient', param: 'patient' },
    balances: { kind: 'unsupported', reason: 'Epic Account is readable by _id only and FHIR R4 Account has no balance.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: ['create_patient'],
  writeBack: ['create_patient'],
  callsPerMinute: null,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference', 'Group']),
};
