import { INestApplication } from '@nestjs/common';
import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../sandbox/fhir';
import { DemoClient, JobView } from './demo-client';

const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * The FHIR part of the demo (docs/demo.md): an Epic-profile integration on the simulated Epic
 * server (served by this app under /sandbox/fhir/epic/…) created without credentials, so the hub
 * generates its key; the sandbox registers the integration's JWKS URL, as an Epic customer would;
 * a full sync (patients by Group Bulk export, appointments, coverages and documents per patient);
 * then changes at the EHR (edits, a deleted coverage) and a second sync that picks them up, the
 * deletion by reconciliation. `step` is the first step number to print.
 */
export async function demoFhir(
  app: INestApplication, client: DemoClient, baseUrl: string, step: number,
  runSync: (integrationId: string, mode: 'full' | 'incremental') => Promise<JobView>,
  summary: (title: string, job: JobView) => void,
): Promise<void> {
  const sandbox = app.get(FhirSandbox);
  const tenant = 'riverside-health';
  const clientId = 'demo-epic-backend';
  const integration = await client.call<{ id: string; config: { keyId: string } }>('post', '/api/v1/integrations', {
    vendor: 'epic', name: 'Riverside Health (Epic)', environment: 'sandbox',
    config: { fhirBaseUrl: `${baseUrl}${FHIR_SANDBOX_PREFIX}/epic/${tenant}`, clientId, groupId: 'riverside-all-patients', pageSize: 100 },
  });
  const jwksUrl = `${baseUrl}/api/v1/integrations/${integration.id}/jwks.json`;
  sandbox.registerClient(clientId, { jwksUrl });
  out(`\n${step}. Epic integration ${integration.id}: the hub generated its RS384 key (kid ${integration.config.keyId});`);
  out(`   the simulated Epic server registered the JWKS URL ${jwksUrl}`);
  const test = await client.call<{ ok: boolean; latencyMs: number; message: string }>('post', `/api/v1/integrations/${integration.id}/test`);
  out(`   test ${test.ok ? 'ok' : 'FAILED'} in ${test.latencyMs} ms (${test.message})`);
  const full = await runSync(integration.id, 'full');
  summary('Full sync from Epic (patients by Group/$export, the rest per patient)', full);

  const data = sandbox.tenant('epic', tenant).data;
  const coverages = [...data.Coverage.keys()];
  for (const id of coverages.slice(0, 5)) sandbox.touch('epic', tenant, 'Coverage', id, (c) => (c.subscriberId = `W${Date.now() % 100_000_000}`));
  sandbox.remove('epic', tenant, 'Coverage', coverages[5]);
  out(`\n${step + 1}. At Epic: 5 coverages edited, coverage ${coverages[5]} deleted. Second sync:`);
  const next = await runSync(integration.id, 'incremental');
  summary('Sync from Epic (whole reads; the deleted coverage tombstoned by reconciliation)', next);
}
