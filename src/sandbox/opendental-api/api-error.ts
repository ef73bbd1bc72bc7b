import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * An error answer of the simulated OpenDental API. OpenDental documents only "(with
 * explanation)" and its examples are plain messages (`400 BadRequest "PatNum is required"`,
 * §1.4), so the body is a JSON string, never an object.
 */
export class OdApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OdApiError';
  }

  static badRequest(message: string): OdApiError {
    return new OdApiError(400, message);
  }

  static notFound(message: string): OdApiError {
    return new OdApiError(404, message);
  }
}

/**
 * Answers the sandbox's errors the way OpenDental does (status + JSON string body), instead of
 * the hub's own `{ statusCode, error, message }` shape. Unexpected errors give 500 without internals.
 */
@Catch()
export class OdApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenDentalApiSandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof OdApiError) {
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
      res.status(exception.status).json(exception.message);
      return;
    }
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json(exception.message);
      return;
    }
    this.logger.error({ errorClass: exception instanceof Error ? exception.name : typeof exception, errorCode: (exception as { code?: unknown })?.code }, 'sandbox error');
    res.status(500).json('Internal server error');
  }
}
