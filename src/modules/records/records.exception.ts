import { DomainException } from '../../common/domain-exception';

/** Codes of local-edit failures (docs/conflicts.md). */
export enum RecordsExceptionCode {
  /** A PATCH without `If-Match` (RFC 9110 §13.1.1; 428 from RFC 6585 §3). */
  PRECONDITION_REQUIRED = 'RECORD_PRECONDITION_REQUIRED',
  /** `If-Match` names a version that is no longer the record's (RFC 9110 §13.1.1). */
  PRECONDITION_FAILED = 'RECORD_PRECONDITION_FAILED',
  /** An unknown, read-only or badly typed field in the edit. */
  INVALID_EDIT = 'RECORD_INVALID_EDIT',
}

const STATUS: Record<RecordsExceptionCode, number> = {
  RECORD_PRECONDITION_REQUIRED: 428,
  RECORD_PRECONDITION_FAILED: 412,
  RECORD_INVALID_EDIT: 400,
};

/** Local-edit failures with their HTTP status; `details` is `FieldError[]` for a 400. */
export class RecordsException extends DomainException<RecordsExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }
}
