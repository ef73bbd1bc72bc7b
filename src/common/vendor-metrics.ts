import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Process-wide Prometheus series about calls to vendors, on a registry of their own that the
 * app's MetricsService merges into `GET /metrics`. Vendor HTTP clients are process-wide (one
 * keep-alive axios instance per vendor), so their counters are too. Labels: the vendor id and
 * a status class or outcome, never a URL, id or body.
 */
export const vendorRegistry = new Registry();

export const vendorRequests = new Counter({
  name: 'vendor_requests_total',
  help: 'Requests made to vendor APIs, by vendor id and status class (2xx, 3xx, 4xx, 5xx, network)',
  labelNames: ['vendor', 'status_class'] as const,
  registers: [vendorRegistry],
});

export const vendorLatency = new Histogram({
  name: 'vendor_request_duration_seconds',
  help: 'Duration of requests to vendor APIs in seconds',
  labelNames: ['vendor'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [vendorRegistry],
});

export const vendorThrottled = new Counter({
  name: 'vendor_throttled_total',
  help: 'Vendor answers of 429 Too Many Requests',
  labelNames: ['vendor'] as const,
  registers: [vendorRegistry],
});

export const tokenRenewals = new Counter({
  name: 'vendor_token_renewals_total',
  help: 'Access tokens obtained from vendor token endpoints, by vendor and outcome (success, failure)',
  labelNames: ['vendor', 'outcome'] as const,
  registers: [vendorRegistry],
});

/** Counts one finished vendor request: `status` is the HTTP status, or null when no answer came (network error, timeout). */
export function observeVendorRequest(vendor: string, status: number | null, seconds: number): void {
  vendorRequests.inc({ vendor, status_class: status === null ? 'network' : `${Math.floor(status / 100)}xx` });
  vendorLatency.observe({ vendor }, seconds);
  if (status === 429) vendorThrottled.inc({ vendor });
}

const STARTED = Symbol('vendorRequestStarted');
type Timed = InternalAxiosRequestConfig & { [STARTED]?: bigint };

/** Adds timing interceptors to a vendor's axios instance: every answer (any status) and every network failure is counted under `vendor`. */
export function instrumentAxios(http: AxiosInstance, vendor: string): void {
  http.interceptors.request.use((config: Timed) => {
    config[STARTED] = process.hrtime.bigint();
    return config;
  });
  const seconds = (config: Timed | undefined) => (config?.[STARTED] ? Number(process.hrtime.bigint() - config[STARTED]) / 1e9 : 0);
  http.interceptors.response.use(
    (response) => {
      observeVendorRequest(vendor, response.status, seconds(response.config as Timed));
      return response;
    },
    (error: { config?: Timed; response?: { status: number } }) => {
      observeVendorRequest(vendor, error.response?.status ?? null, seconds(error.config));
      return Promise.reject(error);
    },
  );
}
