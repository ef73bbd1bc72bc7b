import { timingSafeEqual } from 'node:crypto';

/** Signature tolerance of timestamped schemes, in seconds (Standard Webhooks and Stripe use 300). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** What a verifier sees: the raw body bytes and the lower-cased request headers. */
export interface WebhookRequest {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** Per-endpoint verification settings: the active secrets (current first, then one in its grace period) and optional header names. */
export interface VerifierSettings {
  secrets: string[];
  signatureHeader?: string | null;
  deliveryIdHeader?: string | null;
  /** Unix seconds; injectable for tests. */
  nowSeconds?: number;
}

/** The outcome: `ok` with the sender's delivery id (null = none sent: the caller hashes the body), or a reason code (never shown to the sender). */
export type VerifyResult = { ok: true; deliveryId: string | null } | { ok: false; reason: string };

/**
 * One signature scheme. Implementations never throw on hostile input and compare in constant
 * time; they only decide, they never parse the body (rules in ../shared/webhooks/test-vectors.md).
 */
export interface WebhookVerifier {
  verify(request: WebhookRequest, settings: VerifierSettings): VerifyResult;
}

/** The single value of a header, or null when absent or repeated (a repeated signature header is refused). */
export function headerValue(headers: WebhookRequest['headers'], name: string): string | null {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' ? value : null;
}

/** Constant-time comparison of two byte strings; different lengths compare false without throwing. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A delivery id we store: 1–255 visible ASCII characters. */
export function validDeliveryId(id: string | null): boolean {
  return id !== null && /^[\x21-\x7e]{1,255}$/.test(id);
}

export const reject = (reason: string): VerifyResult => ({ ok: false, reason });
