/**
 * Link-local and cloud-metadata hosts (169.254.0.0/16, fe80::/10, AWS's fd00:ec2::254, GCP's
 * metadata names): a vendor URL typed by a user must never reach them (OWASP API7, SSRF).
 * Private networks stay allowed: on-premise servers live there.
 */
const FORBIDDEN_HOST = /^(169\.254\.\d+\.\d+|\[?fe80:.*|\[?fd00:ec2::254\]?|metadata\.google\.internal|metadata)$/i;

/**
 * Checks an adapter's `config.baseUrl` (when it is a string; the JSON Schema checks the rest).
 * @returns the `{ field, errors }` entry to report, or null when the URL is acceptable.
 */
export function baseUrlProblem(baseUrl: unknown): { field: string; errors: string[] } | null {
  if (typeof baseUrl !== 'string') return null;
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return { field: 'config.baseUrl', errors: ['config.baseUrl must be an http(s) URL'] };
  }
  return FORBIDDEN_HOST.test(host) ? { field: 'config.baseUrl', errors: ['config.baseUrl must not point at a link-local or metadata address'] } : null;
}
