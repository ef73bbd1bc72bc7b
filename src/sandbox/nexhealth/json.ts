import { Institution, NexDocument, NexOperatory, NexPatient, NexProvider, NexWebhookEndpoint } from './institution';

/**
 * JSON projections of the sandbox rows: exactly the fields of the matching v3.0.0 schemas
 * (internal links removed). Names follow the schema they produce.
 */

/** API_V20240412_Entities_PatientWithPrivacyAuthorization (list rows and webhook payloads). */
export function patientJson(p: NexPatient): Record<string, unknown> {
  const { location_id: _location, ...row } = p;
  return { ...row, bio: { ...p.bio }, hipaa: { ...p.hipaa } };
}

/** API_V20240412_Entities_PatientDetailed (GET /patients/{id}): adds `location_ids`. */
export function patientDetailedJson(p: NexPatient): Record<string, unknown> {
  return { ...patientJson(p), location_ids: [p.location_id] };
}

/** API_V20240412_Entities_ProviderWithResources with the default `include[]=locations`. */
export function providerJson(p: NexProvider, institution: Institution, includes: string[]): Record<string, unknown> {
  const { location_ids, ...row } = p;
  const out: Record<string, unknown> = { ...row, bio: { ...p.bio } };
  if (includes.includes('locations')) out.locations = location_ids.map((id) => ({ ...institution.locations.get(id)! }));
  if (includes.includes('availabilities')) out.availabilities = [];
  out.provider_requestables = location_ids.map((location_id) => ({ location_id }));
  return out;
}

/** API_V2_Entities_OperatoryWithResources (`appointment_types` only when included). */
export function operatoryJson(op: NexOperatory, includes: string[]): Record<string, unknown> {
  return includes.includes('appointment_types') ? { ...op, appointment_types: [] } : { ...op };
}

/** API_V2_Entities_PatientDocument. */
export function documentJson(d: NexDocument): Record<string, unknown> {
  const { patient_id: _patient, ...row } = d;
  return row;
}

/** API_V2_Entities_WebhookEndpoint (the secret is shown, as NexHealth does, to its owner only). */
export function webhookEndpointJson(e: NexWebhookEndpoint): Record<string, unknown> {
  const { owner: _owner, ...row } = e;
  return row;
}
