import { DomainException } from '../../common/domain-exception';

/** Conflict and policy failures (docs/conflicts.md). */
export enum ConflictsExceptionCode {
  NOT_FOUND = 'CONFLICT_NOT_FOUND',
  /** The conflict is resolved or ignored already. */
  CLOSED = 'CONFLICT_CLOSED',
  /** A resolution's input is incomplete or does not fit the field (`details` names it). */
  INVALID_RESOLUTION = 'CONFLICT_INVALID_RESOLUTION',
  /** `merge` without a value where local and remote changed the same part. */
  MERGE_OVERLAP = 'CONFLICT_MERGE_OVERLAP',
  INVALID_POLICY = 'CONFLICT_INVALID_POLICY',
  /** The vendor refused the kept value, or holds another one after the update: the conflict stays open. */
  WRITE_BACK_FAILED = 'CONFLICT_WRITE_BACK_FAILED',
}

const STATUS: Record<ConflictsExceptionCode, number> = {
  CONFLICT_NOT_FOUND: 404,
  CONFLICT_CLOSED: 409,
  CONFLICT_INVALID_RESOLUTION: 400,
  CONFLICT_MERGE_OVERLAP: 409,
  CONFLICT_INVALID_POLICY: 400,
  CONFLICT_WRITE_BACK_FAILED: 409,
};

/** Conflict failures with their HTTP status; a 400 carries `details: FieldError[]`. */
export class ConflictsException extends DomainException<ConflictsExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }
}
