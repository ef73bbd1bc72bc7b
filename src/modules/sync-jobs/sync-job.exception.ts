import { DomainException } from '../../common/domain-exception';

export enum SyncJobExceptionCode {
  NOT_FOUND = 'SYNC_JOB_NOT_FOUND',
  INTEGRATION_DISABLED = 'SYNC_JOB_INTEGRATION_DISABLED',
  ALREADY_SYNCING = 'SYNC_JOB_ALREADY_SYNCING',
  NOT_RETRYABLE = 'SYNC_JOB_NOT_RETRYABLE',
  NOT_CANCELLABLE = 'SYNC_JOB_NOT_CANCELLABLE',
  UNSUPPORTED_RESOURCE = 'SYNC_JOB_UNSUPPORTED_RESOURCE',
}

const STATUS: Record<SyncJobExceptionCode, number> = {
  SYNC_JOB_NOT_FOUND: 404,
  SYNC_JOB_INTEGRATION_DISABLED: 409,
  SYNC_JOB_ALREADY_SYNCING: 409,
  SYNC_JOB_NOT_RETRYABLE: 409,
  SYNC_JOB_NOT_CANCELLABLE: 409,
  SYNC_JOB_UNSUPPORTED_RESOURCE: 400,
};

/** Sync job failures with their HTTP status. */
export class SyncJobException extends DomainException<SyncJobExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }
}
