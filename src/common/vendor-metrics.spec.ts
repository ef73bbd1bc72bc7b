import axios from 'axios';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { instrumentAxios, vendorRegistry } from './vendor-metrics';

describe('vendor metrics', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/throttled' ? 429 : req.url === '/broken' ? 503 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts answers by status class, 429s, latencies and network failures under the vendor id', async () => {
    const http = axios.create({ validateStatus: (s) => s < 500 });
    instrumentAxios(http, 'spec-vendor');
    await http.get(`${base}/ok`);
    await http.get(`${base}/ok`);
    await http.get(`${base}/throttled`);
    await http.get(`${base}/broken`).catch(() => undefined);
    await http.get('http://127.0.0.1:9/').catch(() => undefined);
    const text = await vendorRegistry.metrics();
    expect(text).toContain('vendor_requests_total{vendor="spec-vendor",status_class="2xx"} 2');
    expect(text).toContain('vendor_requests_total{vendor="spec-vendor",status_class="4xx"} 1');
    expect(text).toContain('vendor_requests_total{vendor="spec-vendor",status_class="5xx"} 1');
    expect(text).toContain('vendor_requests_total{vendor="spec-vendor",status_class="network"} 1');
    expect(text).toContain('vendor_throttled_total{vendor="spec-vendor"} 1');
    expect(text).toMatch(/vendor_request_duration_seconds_count\{vendor="spec-vendor"\} 5/);
  });
});
