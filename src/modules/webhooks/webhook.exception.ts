import { DomainException } from '../../common/domain-exception';

export enum WebhookExceptionCode {
  NOT_FOUND = 'WEBHOOK_NOT_FOUND',
  DELIVERY_NOT_FOUND = 'WEBHOOK_DELIVERY_NOT_FOUND',
  /** Signature, timestamp or key refused. The message never says which check failed. */
  UNAUTHORIZED = 'WEBHOOK_UNAUTHORIZED',
  NOT_SUPPORTED = 'WEBHOOK_NOT_SUPPORTED',
  INVALID_CONFIG = 'WEBHOOK_INVALID_CONFIG',
  ALREADY_CONFIGURED = 'WEBHOOK_ALREADY_CONFIGURED',
  NOT_RETRYABLE = 'WEBHOOK_NOT_RETRYABLE',
  /** A signed delivery whose delivery id header is longer than the hub stores. */
  DELIVERY_ID_TOO_LONG = 'WEBHOOK_DELIVERY_ID_TOO_LONG',
}

const STATUS: Record<WebhookExceptionCode, number> = {
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  WEBHOOK_UNAUTHORIZED: 401,
  WEBHOOK_NOT_SUPPORTED: 400,
  WEBHOOK_INVALID_CONFIG: 400,
  WEBHOOK_ALREADY_CONFIGURED: 409,
  WEBHOOK_NOT_RETRYABLE: 409,
  WEBHOOK_DELIVERY_ID_TOO_LONG: 400,
};

/** Webhook failures with their HTTP status. */
export class WebhookException extends DomainException<WebhookExceptionCode> {
  get status(): number {
    return STATUS[this.code];
  }

  static unauthorized(): WebhookException {
    return new WebhookException(WebhookExceptionCode.UNAUTHORIZED, 'Webhook signature verification failed');
  }

  /** 400: the signature held, but the delivery id is longer than `max` characters; nothing stored. */
  static deliveryIdTooLong(max: number): WebhookException {
    return new WebhookException(WebhookExceptionCode.DELIVERY_ID_TOO_LONG, `The delivery id header is longer than ${max} characters`);
  }
}
