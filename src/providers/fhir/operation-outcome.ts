import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/**
 * OperationOutcome `issue.code` values (http://hl7.org/fhir/R4/valueset-issue-type.html) after
 * which the same request may succeed later: the server was busy, throttled or timed out.
 */
export const TEMPORARY_ISSUE_CODES = new Set(['transient', 'lock-error', 'no-store', 'exception', 'timeout', 'incomplete', 'throttled', 'too-costly']);

/** Issue codes that name a refusal the same request will meet again. */
export const PERMANENT_ISSUE_CODES = new Set([
  'invalid', 'structure', 'required', 'value', 'invariant', 'security', 'login', 'unknown', 'expired', 'forbidden', 'suppressed',
  'processing', 'not-supported', 'duplicate', 'multiple-matches', 'not-found', 'deleted', 'too-long', 'code-invalid', 'extension',
  'business-rule', 'conflict', 'informational',
]);

/** A code or number a vendor puts in `issue.details.coding.code` (Epic 4101, 4113…): short tokens only, never free text. */
const VENDOR_CODE = /^[A-Za-z0-9._-]{1,32}$/;

interface Issue {
  severity?: unknown;
  code?: unknown;
  details?: { coding?: Array<{ code?: unknown }> };
}

/** The OperationOutcome's issue codes and vendor detail codes (no `diagnostics`, no `details.text`: those can quote PHI). */
export function outcomeCodes(body: unknown): { issueCodes: string[]; vendorCodes: string[] } {
  const resource = body as { resourceType?: unknown; issue?: unknown } | null;
  if (!resource || resource.resourceType !== 'OperationOutcome' || !Array.isArray(resource.issue)) return { issueCodes: [], vendorCodes: [] };
  const issueCodes: string[] = [];
  const vendorCodes: string[] = [];
  for (const issue of resource.issue as Issue[]) {
    if (issue.severity === 'information' || issue.severity === 'warning') continue;
    if (typeof issue.code === 'string' && (TEMPORARY_ISSUE_CODES.has(issue.code) || PERMANENT_ISSUE_CODES.has(issue.code))) issueCodes.push(issue.code);
    for (const coding of issue.details?.coding ?? []) {
      if (typeof coding.code === 'string' && VENDOR_CODE.test(coding.code)) vendorCodes.push(coding.code);
    }
  }
  return { issueCodes: [...new Set(issueCodes)], vendorCodes: [...new Set(vendorCodes)].slice(0, 5) };
}

/** A FHIR answer's error with what a caller may act on: the HTTP status and the vendor detail codes (Epic 4113: an expired search session). */
export class FhirRequestError extends ProviderException {
  constructor(code: ProviderExceptionCode, message: string, options: { temporary: boolean; retryAfterMs?: number }, readonly httpStatus: number, readonly vendorCodes: string[]) {
    super(code, message, options);
  }
}

/**
 * Turns a non-2xx FHIR answer into a ProviderException (FHIR R4 http.html#errors and
 * operationoutcome.html): temporary when every error issue is temporary (or the status is 5xx
 * or 429 without issues), permanent otherwise. The message names the request (method and path
 * only, no query), the status, the issue codes and vendor codes; never `diagnostics`.
 * @param what `GET Patient` style label without query string.
 */
export function fhirError(what: string, status: number, body: unknown, retryAfterMs?: number): ProviderException {
  const { issueCodes, vendorCodes } = outcomeCodes(body);
  const make = (code: ProviderExceptionCode, text: string, options: { temporary: boolean; retryAfterMs?: number }) => new FhirRequestError(code, text, options, status, vendorCodes);
  const suffix = [issueCodes.length ? `issue ${issueCodes.join(',')}` : '', vendorCodes.length ? `vendor code ${vendorCodes.join(',')}` : ''].filter(Boolean).join('; ');
  const message = `FHIR server answered ${status} to ${what}${suffix ? ` (${suffix})` : ''}`;
  const temporaryIssues = issueCodes.length > 0 && issueCodes.every((c) => TEMPORARY_ISSUE_CODES.has(c));
  if (status === 429 || issueCodes.includes('throttled')) return make(ProviderExceptionCode.RATE_LIMITED, message, { temporary: true, retryAfterMs });
  if (status >= 500 || status === 408) {
    const permanent = issueCodes.some((c) => PERMANENT_ISSUE_CODES.has(c)) && !temporaryIssues;
    return make(permanent ? ProviderExceptionCode.VENDOR_ERROR : ProviderExceptionCode.CONNECTION_FAILED, message, { temporary: !permanent, retryAfterMs });
  }
  if (temporaryIssues) return make(ProviderExceptionCode.CONNECTION_FAILED, message, { temporary: true, retryAfterMs });
  if (status === 401 || status === 403 || issueCodes.some((c) => c === 'security' || c === 'login' || c === 'forbidden' || c === 'expired')) {
    return make(ProviderExceptionCode.AUTHENTICATION_FAILED, message, { temporary: false });
  }
  if (status === 404 || status === 410 || issueCodes.includes('not-found') || issueCodes.includes('deleted')) return make(ProviderExceptionCode.NOT_FOUND, message, { temporary: false });
  if (status === 409 || status === 412 || issueCodes.includes('conflict')) return make(ProviderExceptionCode.CONFLICT, message, { temporary: false });
  if (issueCodes.includes('not-supported')) return make(ProviderExceptionCode.UNSUPPORTED, message, { temporary: false });
  if (status === 400 || status === 422) return make(ProviderExceptionCode.BAD_REQUEST, message, { temporary: false });
  return make(ProviderExceptionCode.VENDOR_ERROR, message, { temporary: false });
}
