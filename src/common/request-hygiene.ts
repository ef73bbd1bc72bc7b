import type { NextFunction, Request, Response } from 'express';
import { FieldError, validationFailed } from './validation';

/** Deepest nesting of objects and arrays a JSON body or query may have (a canonical record is about 5 deep). */
export const MAX_INPUT_DEPTH = 32;

/**
 * Names of `Object.prototype` members. A key spelled like one is refused wherever it appears:
 * validation libraries and `obj[key]` lookups treat them as inherited members (`__proto__`
 * swaps an object's prototype, `constructor` resolves to a function), so they would otherwise
 * slip past "unknown field" checks or reach code as something other than data.
 */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The first problem found in a parsed body or query, with the dotted path of the field (`config.host`; `''` = the whole input). */
function inspect(root: unknown): FieldError | null {
  // Iterative walk: a recursive one is exactly what a deeply nested body would overflow.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { field: path, errors: [`${path || 'the value'} must not contain a NUL character`] };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { field: path, errors: [`${path || 'the body'} is nested deeper than ${MAX_INPUT_DEPTH} levels`] };
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return { field: path, errors: [`a key in ${path || 'the body'} contains a NUL character`] };
      if (PROTOTYPE_KEYS.has(key)) return { field: child, errors: [`property ${child} should not exist`] };
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Refuses, with 400 naming the field (`config.host`, `q`), input no handler should see:
 * a NUL character in any string or key, nesting deeper than {@link MAX_INPUT_DEPTH}, and keys
 * named after `Object.prototype` members. Runs after the body parsers and before routing, so
 * it covers every route; raw webhook bodies (Buffers) are verified over their bytes and skipped.
 * The error has the shape of the ValidationPipe's (`message`, `details: FieldError[]`).
 */
export function requestHygieneMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const problem = (Buffer.isBuffer(req.body) ? null : inspect(req.body)) ?? inspect(req.query);
  if (!problem) return next();
  next(validationFailed([problem]));
}
