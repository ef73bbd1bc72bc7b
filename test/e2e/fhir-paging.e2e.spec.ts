import { MedplumClient } from '@medplum/core';
import { DataSource } from 'typeorm';
import { buildIntegration } from '../factories/integration.factory';
import { buildOrganization } from '../factories/organization.factory';
import { buildRecords, patientData } from '../factories/record.factory';
import { bootApp, TestApp } from '../helpers/app';

/* Paging through 10,000 patients with a FHIR client nobody here wrote: @medplum/core's
 * MedplumClient follows our next links (its searchResourcePages) with our API key as its token. */

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await bootApp();
  await t.app.listen(0);
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}/`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

it('MedplumClient pages through 10,000 patients and sees every one exactly once while records change', async () => {
  const db = t.app.get(DataSource);
  const org = await buildOrganization(t, 'FHIR paging');
  const integration = await buildIntegration(db, org.id);
  const seeds = Array.from({ length: 10_000 }, (_, i) => ({
    externalId: String(i + 1),
    data: patientData({ names: [{ use: 'official', family: `Family${i % 97}`, given: ['Pat'], prefix: [], suffix: [], text: null }] }),
  }));
  const ids = await buildRecords(db, org.id, integration, 'patients', seeds);
  const other = await buildOrganization(t, 'FHIR paging other');
  await buildRecords(db, other.id, await buildIntegration(db, other.id), 'patients', seeds.slice(0, 100));

  const medplum = new MedplumClient({ baseUrl: base, fhirUrlPath: 'fhir/R4', fetch: (url: string | URL | Request, init?: RequestInit) => fetch(url, init) });
  medplum.setAccessToken(org.key);
  const seen = new Map<string, number>();
  let pages = 0;
  for await (const page of medplum.searchResourcePages('Patient', { _count: '500' })) {
    pages++;
    for (const p of page) seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
    // Records change under the reader: updates bump version and updated_at but never move a record across the cursor.
    if (pages === 3) await db.query(`UPDATE records SET version = version + 1, updated_at = now() WHERE organization_id = $1 AND external_id::int % 7 = 0`, [org.id]);
  }
  expect(pages).toBe(20);
  expect(seen.size).toBe(10_000);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect([...seen.keys()].sort()).toEqual([...ids].sort());
});
