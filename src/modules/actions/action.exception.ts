import { DomainException } from '../../common/domain-exception';

export enum ActionExceptionCode {
  IDEMPOTENCY_KEY_REQUIRED = 'ACTION_IDEMPOTENCY_KEY_REQUIRED',
  IDEMPOTENCY_KEY_REUSED = 'ACTION_IDEMPOTENCY_KEY_REUSED',
  IN_PROGRESS = 'ACTION_IN_PROGRESS',
  INVALID_PAYLOAD = 'ACTION_INVALID_PAYLOAD',
  NOT_SUPPORTED = 'ACTION_NOT_SUPPORTED',
  NOT_FOUND = 'ACTION_NOT_FOUND',
}

const STATUS: Record<ActionExceptionCode, number> = {
  ACTION_IDEMPOTENCY_KEY_REQUIRED: 400,
  ACTION_IDEMPOTENCY_KEY_REUSED: 409,
  ACTION_IN_PROGRESS: 409,
  ACTION_INVALID_PAYLOAD: 400,
  ACTION_NOT_SUPPORTED: 400,
  ACTION_NOT_FOUND: 404,
};

/** Action failures with their HTTP status. */
export class ActionException extends DomainException<ActionExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }
}
