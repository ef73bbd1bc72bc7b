import type { TestApp } from '../helpers/app';

/** An organization made through the real API, with its plaintext API key and Authorization header. */
export interface TestOrganization {
  id: string;
  key: string;
  auth: string;
}

/** Creates an organization with `POST /api/v1/organizations` (admin key) and returns its first API key. */
export async function buildOrganization(t: TestApp, name = 'Test Dental'): Promise<TestOrganization> {
  const res = await t.http.post('/api/v1/organizations').set('Authorization', `Bearer ${t.adminKey}`).send({ name }).expect(201);
  return { id: res.body.id, key: res.body.apiKey.key, auth: `Bearer ${res.body.apiKey.key}` };
}
