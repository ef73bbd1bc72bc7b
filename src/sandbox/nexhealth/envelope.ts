import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** NexHealth's response envelope (§3 [NEX-OAS]): `code` true on success, `error[]` messages. */
export interface NexEnvelope<T = unknown> {
  code: boolean;
  description: string;
  error: string[];
  data: T;
  page_info?: { has_previous_page: boolean; has_next_page: boolean; start_cursor: string | null; end_cursor: string | null };
  count?: number;
}

/** A success envelope. */
export function ok<T>(data: T, description = 'Success', extra: Partial<NexEnvelope<T>> = {}): NexEnvelope<T> {
  return { code: true, description, error: [], data, ...extra };
}

/** An error answer of the simulated NexHealth API: status + `{ code: false, description, error: [message], data: {} }` (API_Errors_* schemas). */
export class NexApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'NexApiError';
  }

  static badRequest(message: string): NexApiError {
    return new NexApiError(400, message);
  }

  static notFound(what: string): NexApiError {
    return new NexApiError(404, `${what} not found`);
  }
}

const DESCRIPTION: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' };

/** Answers sandbox errors in NexHealth's envelope; unexpected errors give 500 without internals. */
@Catch()
export class NexApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('NexHealthSandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    let status = 500;
    let message = 'Internal server error';
    if (exception instanceof NexApiError) {
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
      status = exception.status;
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = exception.message;
    } else {
      this.logger.error({ errorClass: exception instanceof Error ? exception.name : typeof exception }, 'sandbox error');
    }
    res.status(status).json({ code: false, description: DESCRIPTION[status] ?? 'Error', error: [message], data: {} });
  }
}
