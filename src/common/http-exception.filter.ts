import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainException } from './domain-exception';
import { requestIdOf } from './request-id';

/** Body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
  requestId?: string;
}

function reason(status: number): string {
  const name = HttpStatus[status];
  return name ? name.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join(' ') : 'Error';
}

/**
 * The one exception filter: coded {@link DomainException}s and Nest `HttpException`s keep
 * their status and safe message; anything else becomes 500 with only the request id
 * (the log line carries the error class and code, never the message of an unknown error,
 * which could hold PHI from a vendor).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdOf(req);
    const body = this.toBody(exception);
    body.requestId = requestId;
    if (body.statusCode >= 500) {
      const name = exception instanceof Error ? exception.name : typeof exception;
      const code = (exception as { code?: unknown })?.code;
      this.logger.error({ requestId, errorClass: name, errorCode: typeof code === 'string' ? code : undefined }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainException) {
      return { statusCode: exception.status, error: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as string | { message?: string | string[]; details?: unknown };
      if (typeof response === 'string') return { statusCode: status, error: reason(status), message: response };
      const message = Array.isArray(response.message) ? response.message.join('; ') : response.message ?? reason(status);
      return { statusCode: status, error: reason(status), message, details: response.details };
    }
    // body-parser errors (malformed JSON, body too large) carry a status and a type.
    const status = (exception as { status?: number; type?: string })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const message = type === 'entity.too.large' ? 'Request body too large' : type === 'entity.parse.failed' ? 'Malformed JSON body'
        : type === 'encoding.unsupported' ? 'Content-Encoding is not accepted here: send the body as is (identity)' : reason(status);
      return { statusCode: status, error: reason(status), message };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
