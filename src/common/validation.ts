import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** One field that failed validation: `field` is a dotted path such as `config.port`. */
export interface FieldError {
  field: string;
  errors: string[];
}

/**
 * The 400 every validation failure answers: `message` "Validation failed: …" naming each field,
 * `details` the fields with their errors (the shape of the global ValidationPipe's answer).
 */
export function validationFailed(details: FieldError[]): BadRequestException {
  return new BadRequestException({ message: `Validation failed: ${details.map((d) => d.errors.join(', ')).join('; ')}`, details });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The global ValidationPipe (whitelist, forbidNonWhitelisted, transform). A failure answers
 * 400 with `message` naming each field and `details: FieldError[]`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
