import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainException } from '../../common/domain-exception';
import { requestIdOf } from '../../common/request-id';
import { FHIR_ISSUE_TYPE, FhirException } from './fhir.exception';
import { FHIR_CONTENT_TYPE } from './fhir-resource-types';

/** OperationOutcome.issue.code for an HTTP status raised outside this module (the API key guard, Nest). */
function issueTypeOf(status: number): string {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 405) return 'not-supported';
  if (status === 410) return 'deleted';
  if (status === 413) return 'too-long';
  if (status >= 400 && status < 500) return 'invalid';
  return 'exception';
}

/** An OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html) with one error issue. */
export function operationOutcome(code: string, diagnostics: string): Record<string, unknown> {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

/**
 * Exception filter of the /fhir/R4 routes: every error is an OperationOutcome with
 * `Content-Type: application/fhir+json` and the matching status (http://hl7.org/fhir/R4/http.html):
 * 400 bad parameter, 401/403 from the API key guard, 404 unknown type or id, 410 deleted.
 * Anything unexpected is 500 with only the request id (the log line names the error class).
 */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req);
    let status = 500;
    let code = 'exception';
    let message = `Internal server error (request id ${requestId ?? 'n/a'})`;
    if (exception instanceof FhirException) {
      status = exception.status;
      code = FHIR_ISSUE_TYPE[exception.code];
      message = exception.message;
    } else if (exception instanceof DomainException) {
      status = exception.status;
      code = issueTypeOf(status);
      message = exception.message;
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      code = issueTypeOf(status);
      message = exception.message;
    } else {
      const errorClass = exception instanceof Error ? exception.name : typeof exception;
      this.logger.error({ requestId, errorClass }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).type(FHIR_CONTENT_TYPE).send(JSON.stringify(operationOutcome(code, message)));
  }
}
