/**
 * NexHealth's response media types. Most operations answer `application/json`; the operations
 * below declare `application/vnd.Nexhealth+json;version=2` as their only response type in
 * NexHealth's OpenAPI document (v20240412, https://docs.nexhealth.com/reference), so the client
 * sends that as `Accept` for them. Data, read off the document's `responses.*.content` keys.
 */
export const NEXHEALTH_V2_MEDIA_TYPE = 'application/vnd.Nexhealth+json;version=2';

/** `METHOD /path/{template}` of every operation answering the version-2 media type. */
const V2_OPERATIONS: ReadonlySet<string> = new Set([
  'POST /authenticates',
  'GET /appointment_types', 'POST /appointment_types', 'GET /appointment_types/{id}', 'PATCH /appointment_types/{id}', 'DELETE /appointment_types/{id}',
  'GET /appointment_types/{id}/appointment_descriptors', 'GET /appointments/{id}', 'GET /appointments/{id}/appointment_descriptors',
  'GET /document_types', 'GET /document_types/{id}', 'GET /institutions', 'GET /institutions/{id}',
  'GET /locations', 'GET /locations/{id}', 'GET /locations/{id}/appointment_descriptors', 'GET /nex_staff', 'GET /operatories/{id}',
  'GET /patients/{id}/documents', 'POST /patients/{id}/documents', 'GET /patients/{id}/alerts', 'POST /patients/{id}/alerts',
  'GET /patients/{id}/alerts/{id}', 'PATCH /patients/{id}/alerts/{id}', 'GET /patient_recalls/{id}', 'GET /payment_plans', 'GET /payment_plans/{id}',
  'GET /recall_types', 'GET /recall_types/{id}', 'GET /sync_status',
  'GET /webhook_endpoints', 'POST /webhook_endpoints', 'PATCH /webhook_endpoints/{id}', 'DELETE /webhook_endpoints/{id}',
]);

/**
 * The `Accept` header for one call: the version-2 media type where the operation declares it,
 * `application/json` otherwise. `path` is the concrete path (`/patients/123/documents`): numeric
 * segments stand for the document's `{id}` templates.
 */
export function acceptFor(method: string, path: string): string {
  const template = path.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/{id}');
  return V2_OPERATIONS.has(`${method.toUpperCase()} ${template}`) ? NEXHEALTH_V2_MEDIA_TYPE : 'application/json';
}
