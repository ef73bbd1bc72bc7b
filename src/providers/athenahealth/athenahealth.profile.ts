import { FhirVendorProfile } from '../fhir/profile';

/**
 * athenahealth (athenaOne) as a FHIR R4 profile (FHIR-R4.md §0 and §2.2 "athenahealth"): one base
 * for all practices (`https://api.platform.athenahealth.com/fhir/r4`, preview `api.preview…`), the
 * practice in the `ah-practice` search parameter as `Organization/a-1.Practice-{practiceId}`;
 * token at `https://{api|api.preview}.platform.athenahealth.com/oauth2/v1/token` with
 * client_secret_basic (what Metriport and Nango use) or private_key_jwt. Its CapabilityStatement's
 * `ah-search-parameter-metadata` allows Patient search only by `_id`, `identifier`, `name` or
 * family with birthdate/gender/given (`_lastUpdated` only with those), Location only by `_id`,
 * Practitioner by `_id` or `identifier`, Appointment by `_id` or `_query`, Coverage and
 * DocumentReference with `patient`. Paging `_count` + `cursor`; Metriport asks 50 per page.
 */
export const ATHENAHEALTH_PROFILE: FhirVendorProfile = {
  id: 'athenahealth',
  name: 'athenahealth (athenaOne FHIR R4)',
  description: 'athenaOne practices through athenahealth\'s FHIR R4 API, tenant by ah-practice (client_secret_basic or private_key_jwt).',
  sources: [
    'https://github.com/api-evangelist/athenahealth (conformance/athenahealth-fhir-capabilitystatement.json, well-known/athenahealth-smart-configuration.json)',
    'https://github.com/metriport/metriport/blob/develop/packages/core/src/external/ehr/athenahealth/index.ts',
    'https://github.com/NangoHQ/nango/blob/master/packages/providers/providers.yaml',
  ],
  tenancy: { kind: 'search-param', param: 'ah-practice', template: 'Organization/a-1.Practice-{practiceId}', example: 'https://api.platform.athenahealth.com/fhir/r4' },
  tokenUrl: { match: '^(https://api(?:\\.preview)?\\.platform\\.athenahealth\\.com)/fhir/r4$', replace: '$1/oauth2/v1/token' },
  clientAuth: ['client_secret_basic', 'private_key_jwt'],
  countParam: '_count',
  maxCount: 50,
  pageParam: 'cursor',
  reads: {
    patients: { kind: 'bulk-group', since: false, reason: 'athenahealth Patient search needs _id, identifier, name or family with birthdate, gender or given, so patients come from Group/{groupId}/$export (config.groupId).' },
    coverages: { kind: 'per-patient', param: 'patient' },
    documents: { kind: 'per-patient', param: 'patient' },
    appointments: { kind: 'unsupported', reason: 'athenahealth Appointment is searchable only by _id or _query; athenaOne appointments are a proprietary API.' },
    providers: { kind: 'unsupported', reason: 'athenahealth Practitioner is searchable only by _id, or identifier with ah-practice.' },
    locations: { kind: 'unsupported', reason: 'athenahealth Location is searchable only by _id (ids from references: not in the hub yet).' },
    balances: { kind: 'unsupported', reason: 'No Account resource in the CapabilityStatement.' },
  },
  idFormats: {
    Organization: 'a-1.Practice-{practiceId}', Patient: 'a-{practiceId}.E-{patientId}',
    Department: 'a-{practiceId}.Department-{departmentId}', Encounter: 'a-{practiceId}.encounter-{encounterId}',
  },
  appointmentStatusMap: {},
  writeBackAtVendor: [],
  callsPerMinute: null,
  defaultScope: 'athena/service/Athenanet.MDP.* system/Patient.read system/Coverage.read system/DocumentReference.read',
  extraConfig: [{
    name: 'practiceId', required: true,
    schema: { type: 'string', title: 'Practice id', pattern: '^[0-9]{1,12}$', description: 'athenaOne practice id (digits); every search carries ah-practice=Organization/a-1.Practice-{practiceId}.', examples: ['195900'] },
  }],
};
