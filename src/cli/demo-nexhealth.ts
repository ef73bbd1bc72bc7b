import { INestApplication } from '@nestjs/common';
import axios from 'axios';
import { Patient, preferredPhone } from '../canonical';
import { NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox } from '../sandbox/nexhealth';
import { DemoClient, JobView } from './demo-client';

const out = (line = '') => process.stdout.write(`${line}\n`);

interface PatientView {
  id: string;
  externalId: string;
  version: number;
  data: Pick<Patient, 'names' | 'telecom'>;
  link: { patientId: string; reason: string } | null;
}

/**
 * The NexHealth part of the demo: a `nexhealth` integration on the simulated NexHealth API
 * (served by this app under /sandbox/nexhealth), a full migration, auto-sync (webhook endpoint
 * and subscriptions registered at NexHealth), then a patient changed at NexHealth that arrives
 * by signed webhook and is shown updated. `step` is the first step number to print.
 */
export async function demoNexHealth(
  app: INestApplication, client: DemoClient, baseUrl: string, step: number,
  runSync: (integrationId: string, mode: 'full' | 'incremental') => Promise<JobView>,
  summary: (title: string, job: JobView) => void,
): Promise<void> {
  const sandbox = app.get(NexHealthSandbox);
  const locationId = [...sandbox.institution.locations.keys()][0];
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'nexhealth', name: 'Riverside Dental (NexHealth)', environment: 'sandbox',
    config: { baseUrl: `${baseUrl}${NEXHEALTH_SANDBOX_PREFIX}`, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, locationId },
    credentials: { apiKey: NEXHEALTH_SANDBOX_API_KEY },
  });
  const test = await client.call<{ ok: boolean; latencyMs: number }>('post', `/api/v1/integrations/${integration.id}/test`);
  out(`\n${step}. NexHealth integration ${integration.id} (location ${locationId}): test ${test.ok ? 'ok' : 'FAILED'} in ${test.latencyMs} ms`);
  const full = await runSync(integration.id, 'full');
  summary('Full migration from NexHealth', full);

  const hook = await client.call<{ id: string; url: string }>('post', `/api/v1/integrations/${integration.id}/auto-sync`, {});
  out(`\n${step + 1}. Auto-sync: webhook endpoint and subscriptions registered at NexHealth for ${baseUrl}${hook.url}`);

  const page = await client.call<{ data: PatientView[] }>('get', `/api/v1/patients?integrationId=${integration.id}&limit=1`);
  const before = page.data[0];
  const newPhone = '5125550199';
  out(`   at NexHealth, patient ${before.externalId} changes phone ${preferredPhone(before.data.telecom) ?? '(none)'} → ${newPhone}`);
  const admin = await axios.post(`${baseUrl}${NEXHEALTH_SANDBOX_PREFIX}/_admin/patients/${before.externalId}`,
    { bio: { cell_phone_number: newPhone, phone_number: newPhone } }, { headers: { authorization: NEXHEALTH_SANDBOX_API_KEY }, validateStatus: () => true });
  const delivered = (admin.data?.deliveries ?? []) as Array<{ status: number | null }>;
  out(`   NexHealth delivered a signed patient_updated webhook: our receiver answered ${delivered.map((d) => d.status).join(', ') || 'nothing'}`);
  const deadline = Date.now() + 30_000;
  let after = before;
  while (Date.now() < deadline) {
    after = await client.call<PatientView>('get', `/api/v1/patients/${before.id}`);
    if (after.version > before.version) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const shown = after.version > before.version ? 'updated' : 'NOT updated within 30 s';
  out(`   our store: patient ${after.id} ${shown}: phone ${preferredPhone(after.data.telecom) ?? '(none)'}, version ${before.version} → ${after.version}`);
  const deliveries = await client.call<{ data: Array<{ status: string; changedCount: number | null }> }>('get', `/api/v1/sync/webhooks/${hook.id}/deliveries`);
  out(`   deliveries: ${deliveries.data.map((d) => `${d.status} (${d.changedCount ?? 0} record)`).join(', ')}`);
}
