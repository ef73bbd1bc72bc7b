import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorBody } from './http-exception.filter';

/** The body of every error answer (see AllExceptionsFilter): the HTTP status, its reason, a safe message. */
export class ErrorDto implements ErrorBody {
  @ApiProperty({ example: 401 }) statusCode: number;
  @ApiProperty({ description: 'A domain error code (e.g. `WEBHOOK_UNAUTHORIZED`) or the HTTP reason phrase', example: 'WEBHOOK_UNAUTHORIZED' })
  error: string;
  @ApiProperty({ description: 'Safe to show: never PHI, a secret, an upstream body or a stack trace' }) message: string;
  @ApiPropertyOptional({ description: 'Structured details, e.g. the fields a validation error names' }) details?: unknown;
  @ApiPropertyOptional({ description: 'The request id (also in the `X-Request-Id` header)' }) requestId?: string;
}
