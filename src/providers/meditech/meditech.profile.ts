import { FhirVendorProfile, systemScopes } from '../fhir/profile';

/**
 * MEDITECH Greenfield (US Core STU6) as a FHIR R4 profile (FHIR-R4.md §2.2 "MEDITECH", README
 * §4.4): base such as `https://greenfield-prod-apis.meditech.com/v2/uscore/STU6`, token URL from
 * smart-configuration; private_key_jwt or client_secret_basic (client_credentials must be enabled
 * per customer). Paging `_count` + `continue`; no `_lastUpdated`; Appointment searchable by
 * `date`, `location`, `patient`, `practitioner`, `status`, so appointments are read in a window.
 */
export const MEDITECH_PROFILE: FhirVendorProfile = {
  id: 'meditech',
  name: 'MEDITECH Expanse / Greenfield (FHIR R4)',
  description: 'MEDITECH customers through their US Core FHIR R4 base (private_key_jwt or client_secret_basic).',
  sources: [
    'https://github.com/api-evangelist/meditech (conformance/meditech-greenfield-capabilitystatement.json, well-known/meditech-greenfield-smart-configuration.json)',
    'https://greenfield-prod-apis.meditech.com/v2/uscore/STU6/metadata',
  ],
  tenancy: { kind: 'path', example: 'https://greenfield-prod-apis.meditech.com/v2/uscore/STU6' },
  tokenUrl: null,
  clientAuth: ['private_key_jwt', 'client_secret_basic'],
  countParam: '_count',
  maxCount: 100,
  pageParam: 'continue',
  reads: {
    providers: { kind: 'search', incremental: false },
    locations: { kind: 'search', incremental: false },
    patients: { kind: 'search', incremental: false },
    coverages: { kind: 'search', incremental: false },
    documents: { kind: 'search', incremental: false },
    appointments: { kind: 'window', pastDays: 30, futureDays: 180 },
    balances: { kind: 'unsupported', reason: 'No Account resource in the CapabilityStatement.' },
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: null,
  defaultScope: systemScopes(['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference']),
};
