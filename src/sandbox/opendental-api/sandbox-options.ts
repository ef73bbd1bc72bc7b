import type IORedis from 'ioredis';

/** Injection token of {@link OpenDentalApiSandboxOptions}. */
export const OPENDENTAL_API_SANDBOX_OPTIONS = Symbol('OPENDENTAL_API_SANDBOX_OPTIONS');

/** The developer key every sandbox customer accepts (`Authorization: ODFHIR sandbox-developer-key/{CustomerKey}`). */
export const SANDBOX_DEVELOPER_KEY = 'sandbox-developer-key';

/** URL prefix of the simulated API, after the host: the adapter's `baseUrl` is `http(s)://host:port` + this. */
export const SANDBOX_API_PREFIX = '/sandbox/opendental/api/v1';

/**
 * A customer key of the simulated API, i.e. one office. OpenDental links each customer key to
 * one office database (§1.1); here it points at a MariaDB database built by buildOpenDentalSandbox.
 */
export interface SandboxCustomer {
  /** The customer key the office "entered under Setup > Advanced Setup > API". */
  customerKey: string;
  /** MariaDB database of the office (a buildOpenDentalSandbox database). */
  database: string;
  /** The developer holds only ApiReadAll: GET only (POST/PUT answer 401) and 1 request per 5 s (§1.4). */
  readOnly?: boolean;
  /** Throttle interval, start to start (default 1000 ms, 5000 ms when readOnly). 0 disables the throttle. */
  minIntervalMs?: number;
  /** `remote` (api.opendental.com: throttled, Limit up to 100) or `local` (Local API / API Service: unthrottled, Limit up to 1000). */
  mode?: 'remote' | 'local';
  /** An extra developer key accepted for this customer (besides {@link SANDBOX_DEVELOPER_KEY}). */
  developerKey?: string;
}

/** Office hours the sandbox schedules in (office-local wall time), used by GET /appointments/Slots. */
export interface SandboxOfficeHours {
  /** 'HH:mm', default '07:00' (the generator books from 07:00). */
  open: string;
  /** 'HH:mm', default '17:00'. */
  close: string;
  /** Open weekdays, 0 = Sunday; default Monday to Friday. */
  days: number[];
}

/** Options of OpenDentalApiSandboxModule.forRoot(). */
export interface OpenDentalApiSandboxOptions {
  /** When false every sandbox route answers 404 (mount the module always, decide with `SANDBOX_ENABLED`). Default true. */
  enabled?: boolean;
  /** MariaDB server holding the office databases, e.g. `mysql://root@127.0.0.1:3306`. */
  mysqlUrl: string;
  /** Redis shared by every process serving the sandbox (customer registry and throttle): a URL or a connection (not closed by the sandbox). */
  redis: string | IORedis;
  /** Prefix of the sandbox's Redis keys; default `odapi-sandbox`. */
  keyPrefix?: string;
  /** Customers registered at start-up. */
  customers?: SandboxCustomer[];
  officeHours?: Partial<SandboxOfficeHours>;
}
