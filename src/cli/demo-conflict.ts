import { openSandboxConnection } from '../sandbox/opendental-db';
import { DemoClient, JobView } from './demo-client';

const out = (line = '') => process.stdout.write(`${line}\n`);

interface ConflictView {
  id: string;
  status: string;
  strategy: string | null;
  base: { value: unknown };
  local: { value: unknown };
  remote: { value: unknown };
  writeBack: { status: string; actionId: string | null } | null;
}

/**
 * The conflict part of the demo (docs/conflicts.md), on the `opendental-api` integration: a
 * patient's preferred name edited in the hub (PATCH with If-Match), the same field changed in
 * the office's OpenDental, an incremental sync that raises the three-way conflict, and its
 * resolution with `use_local`, which writes the hub's value back (PUT /patients/{PatNum}) and
 * reads it back; the office's row is then printed from its database.
 */
export async function demoConflict(
  client: DemoClient, integrationId: string, patNum: string, mysqlUrl: string, database: string,
  runSync: (integrationId: string, mode: 'full' | 'incremental') => Promise<JobView>,
): Promise<void> {
  out('\n9. A local edit meets a change in OpenDental (three-way conflict, resolved with use_local):');
  const [patient] = (await client.call<{ data: Array<{ id: string; version: number; data: { preferredName: string | null } }> }>(
    'get', `/api/v1/patients?externalId=${patNum}&integrationId=${integrationId}`)).data;
  await client.call('patch', `/api/v1/patients/${patient.id}`, { preferredName: 'Hub Name' }, [200], { 'If-Match': `W/"${patient.version}"` });
  out(`   PATCH /patients/${patient.id}  preferredName ${JSON.stringify(patient.data.preferredName)} → "Hub Name" (If-Match W/"${patient.version}")`);
  const mysql = await openSandboxConnection(mysqlUrl, database);
  try {
    await mysql.query("UPDATE patient SET Preferred = 'Front Desk Name', DateTStamp = NOW() WHERE PatNum = ?", [patNum]);
    out(`   the front desk sets Preferred = "Front Desk Name" on PatNum ${patNum} in OpenDental`);
    await new Promise((r) => setTimeout(r, 1100)); // the read leaves the current second to the next run
    await runSync(integrationId, 'incremental');
    const conflict = await decided(client, patient.id);
    out(`   conflict ${conflict.id}: base ${JSON.stringify(conflict.base.value)}, local ${JSON.stringify(conflict.local.value)}, remote ${JSON.stringify(conflict.remote.value)} (${conflict.status}, ${conflict.strategy})`);
    const resolved = await client.call<ConflictView>('post', `/api/v1/sync/conflicts/${conflict.id}/resolve`, { strategy: 'use_local', reason: 'Confirmed with the patient' });
    out(`   resolve use_local → ${resolved.status}; write-back ${resolved.writeBack?.status ?? 'none'} (action ${resolved.writeBack?.actionId ?? '-'})`);
    const [rows] = await mysql.query('SELECT Preferred FROM patient WHERE PatNum = ?', [patNum]);
    out(`   OpenDental now has Preferred = ${JSON.stringify((rows as Array<{ Preferred: string }>)[0].Preferred)}`);
  } finally {
    await mysql.end();
  }
}

/** The record's conflict once the conflict-resolution queue has applied the policy (no policy: it waits for review). */
async function decided(client: DemoClient, recordId: string): Promise<ConflictView> {
  for (const deadline = Date.now() + 30_000; ;) {
    const [conflict] = (await client.call<{ data: ConflictView[] }>('get', `/api/v1/sync/conflicts?recordId=${recordId}`)).data;
    if (conflict?.strategy) return conflict;
    if (Date.now() > deadline) throw new Error('the sync raised no conflict');
    await new Promise((r) => setTimeout(r, 200));
  }
}
