import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** An OperationOutcome answer of the simulated server: HTTP status, issue code, text, extra headers. */
export class FhirSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly issueCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** An OAuth error body instead of an OperationOutcome (the token endpoint, RFC 6749 §5.2). */
    readonly oauthError?: string,
    /** A vendor code in `issue.details.coding` (Epic 4113). */
    readonly detailCode?: string,
  ) {
    super(message);
    this.name = 'FhirSandboxError';
  }
}

/** An OperationOutcome with one error issue (http://hl7.org/fhir/R4/operationoutcome.html). */
export function operationOutcome(code: string, text: string, severity: 'error' | 'warning' | 'information' = 'error', detailCode?: string): Record<string, unknown> {
  const details = detailCode ? { details: { coding: [{ code: detailCode, display: text }], text } } : {};
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, ...details, diagnostics: text }] };
}

/** Answers FhirSandboxError as an OperationOutcome (or OAuth error JSON); anything else as 500 without internals. */
@Catch()
export class FhirSandboxErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirSandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof FhirSandboxError) {
      for (const [k, v] of Object.entries(exception.headers)) res.setHeader(k, v);
      if (exception.oauthError) {
        res.status(exception.status).json({ error: exception.oauthError, error_description: exception.message });
        return;
      }
      res.status(exception.status).type('application/fhir+json').send(JSON.stringify(operationOutcome(exception.issueCode, exception.message, 'error', exception.detailCode)));
      return;
    }
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.name : 'error');
    res.status(status).type('application/fhir+json').send(JSON.stringify(operationOutcome(status === 404 ? 'not-found' : 'exception', status === 404 ? 'Not found' : 'Internal error')));
  }
}
