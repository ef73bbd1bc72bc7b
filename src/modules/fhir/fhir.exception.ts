import { DomainException } from '../../common/domain-exception';

/** Why a FHIR request failed; each code has an HTTP status and an OperationOutcome issue type. */
export enum FhirExceptionCode {
  /** A search parameter or its value is not understood (400, issue `invalid`). */
  INVALID_PARAMETER = 'INVALID_PARAMETER',
  /** A resource type this server does not serve (404, issue `not-supported`). */
  UNKNOWN_TYPE = 'UNKNOWN_TYPE',
  /** No such resource for this organization (404, issue `not-found`). */
  NOT_FOUND = 'NOT_FOUND',
  /** The resource was deleted at the source (410, issue `deleted`). */
  GONE = 'GONE',
  /** An HTTP method the read-only API does not offer (405, issue `not-supported`). */
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
}

const STATUS: Record<FhirExceptionCode, number> = {
  INVALID_PARAMETER: 400,
  UNKNOWN_TYPE: 404,
  NOT_FOUND: 404,
  GONE: 410,
  METHOD_NOT_ALLOWED: 405,
};

/** OperationOutcome.issue.code (http://hl7.org/fhir/R4/valueset-issue-type.html) of each code. */
export const FHIR_ISSUE_TYPE: Record<FhirExceptionCode, string> = {
  INVALID_PARAMETER: 'invalid',
  UNKNOWN_TYPE: 'not-supported',
  NOT_FOUND: 'not-found',
  GONE: 'deleted',
  METHOD_NOT_ALLOWED: 'not-supported',
};

/**
 * A coded failure of the FHIR R4 read API, answered as an OperationOutcome by
 * {@link FhirExceptionFilter}. Messages are safe to show: they name the parameter, never echo a
 * stored value.
 */
export class FhirException extends DomainException<FhirExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }

  /** 400 naming the search parameter: `Parameter "birthdate": <reason>`. */
  static invalidParameter(name: string, reason: string): FhirException {
    return new FhirException(FhirExceptionCode.INVALID_PARAMETER, `Parameter "${name}": ${reason}`);
  }
}
