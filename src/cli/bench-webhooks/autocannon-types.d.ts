/* The part of autocannon 9's programmatic API the webhook bench uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    interface Request extends RequestParams {
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams | null;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      timeout?: number;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      mean: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      p99_9: number;
      totalCount: number;
    }
    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
    }
    interface Instance {
      stop(): void;
    }
  }
  /** Off the main thread the callback receives a raw result (encoded histograms): aggregate it with `aggregateResult`. */
  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: unknown) => void): autocannon.Instance;
  namespace autocannon {
    function aggregateResult(results: unknown[], options: Options): Result;
  }
  export = autocannon;
}
