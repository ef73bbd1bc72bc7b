import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Header carrying the request id, in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Express middleware: takes a caller's `X-Request-Id` when it is a plain token
 * (8–128 of `[A-Za-z0-9._:-]`), otherwise makes a UUID; stores it on `req.id` and echoes it.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

/** The request id set by {@link requestIdMiddleware}. */
export function requestIdOf(req: unknown): string | undefined {
  return (req as { id?: string } | undefined)?.id;
}
