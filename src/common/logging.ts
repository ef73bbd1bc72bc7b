/**
 * Paths pino removes from every log line: credentials, authorization headers and anything
 * that could hold PHI. Request bodies and query strings are never logged at all.
 */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'credentials',
  '*.credentials',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'ssn',
  '*.ssn',
];
