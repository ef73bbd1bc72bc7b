import axios, { AxiosInstance } from 'axios';

/** Shapes the demo reads from the API (a subset of the OpenAPI document). */
export interface JobView {
  id: string;
  status: string;
  progress: Record<string, { fetched: number; added: number; updated: number; unchanged: number; skipped: number; deleted: number; failed: number; stored?: number; done: boolean }>;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
}

/** A thin REST client for the demo: every step goes through the public API, as a frontend team would. */
export class DemoClient {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string, private apiKey: string) {
    this.http = axios.create({ baseURL: baseUrl, validateStatus: () => true, timeout: 60_000 });
  }

  useKey(apiKey: string): void {
    this.apiKey = apiKey;
  }

  /** Sends a request; throws with the API's error body when the status is not the expected one. */
  async call<T>(method: 'get' | 'post' | 'delete' | 'patch', path: string, body?: unknown, expected = [200, 201, 202, 204], headers: Record<string, string> = {}): Promise<T> {
    const res = await this.http.request({ method, url: path, data: body, headers: { authorization: `Bearer ${this.apiKey}`, ...headers } });
    if (!expected.includes(res.status)) throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}: ${JSON.stringify(res.data)}`);
    return res.data as T;
  }

  /** Polls a sync job every 250 ms until it finishes, reporting progress. */
  async waitForJob(jobId: string, onProgress: (job: JobView) => void): Promise<JobView> {
    for (;;) {
      const job = await this.call<JobView>('get', `/api/v1/sync/jobs/${jobId}`);
      onProgress(job);
      if (!['queued', 'running'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
