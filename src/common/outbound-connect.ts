import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { Agent as HttpAgent, AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { InternalAxiosRequestConfig } from 'axios';
import { loadEnv } from '../config/env';
import { checkAddress, checkUrl, OutboundPolicy } from './outbound-policy';

/**
 * Connect-time half of the outbound-address policy (common/outbound-policy.ts): a name is
 * resolved, EVERY address it resolves to is judged, and the connection goes to a checked
 * address, so a DNS answer that changes between the configuration check and the connection
 * (DNS rebinding) cannot reach a refused address.
 */

/** Raised when a target is refused; `reason` is safe to show (no host text from a vendor body). */
export class OutboundAddressRefused extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
  constructor(readonly reason: string) {
    super(`Outbound address refused: ${reason}`);
    this.name = 'OutboundAddressRefused';
  }
}

let configured: OutboundPolicy | null = null;

/**
 * Sets the process-wide policy (createApp does, from the validated environment). Vendor HTTP
 * clients are process-wide keep-alive instances outside Nest's injector, so the policy is too.
 */
export function useOutboundPolicy(policy: OutboundPolicy): void {
  configured = policy;
}

/** The policy set at start-up; the environment's when none was set (a script that never built the app). */
export function currentPolicy(): OutboundPolicy {
  return (configured ??= loadEnv().outboundPolicy);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` / HTTP agents: resolves with every address, refuses when any
 * is refused (a name must not mix a public and a private answer), then answers in the shape
 * the caller asked for (`all` or a single address).
 */
export function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const policy = currentPolicy();
    for (const { address } of addresses) {
      const problem = checkAddress(address, policy);
      if (problem) return callback(Object.assign(new OutboundAddressRefused(problem), { errno: undefined }), '');
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

/**
 * Resolves `host` and returns one checked address to connect to (for drivers without a
 * `lookup` hook, such as mysql2).
 * @throws OutboundAddressRefused when any address is refused; the DNS error when it does not resolve.
 */
export function resolveChecked(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    checkedLookup(host, { all: true }, (error, addresses) => {
      if (error) return reject(error);
      resolve((addresses as LookupAddress[])[0].address);
    });
  });
}

/** HTTP and HTTPS keep-alive agents whose connections go only to checked addresses. */
export function checkedAgents(options: AgentOptions = { keepAlive: true }): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  return { httpAgent: new HttpAgent({ ...options, lookup: checkedLookup }), httpsAgent: new HttpsAgent({ ...options, lookup: checkedLookup }) };
}

/**
 * An axios request interceptor judging the full request URL before it is sent: IP-literal
 * hosts never reach `lookup`, and a next link or file URL a vendor sent must pass like a
 * configured one.
 * @throws OutboundAddressRefused.
 */
export function checkAxiosRequest(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
  const url = config.baseURL && config.url && !/^[a-z][a-z0-9+.-]*:/i.test(config.url)
    ? `${config.baseURL.replace(/\/+$/, '')}/${config.url.replace(/^\/+/, '')}`
    : config.url ?? config.baseURL ?? '';
  const problem = checkUrl(url, currentPolicy());
  if (problem) throw new OutboundAddressRefused(problem);
  return config;
}
