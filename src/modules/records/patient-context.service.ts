import { Injectable } from '@nestjs/common';
import { RecordRow, RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

type Data = Record<string, any>;

function line(label: string, value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : `- ${label}: ${value}`;
}

function appointmentLine(a: Data, providers: Map<string, string>, locations: Map<string, string>): string {
  const when = a.localStart ? `${String(a.localStart).replace('T', ' ').slice(0, 16)} (${a.timeZone})` : 'unscheduled';
  const who = providers.get(a.providerExternalId) ?? 'no provider';
  const where = locations.get(a.locationExternalId);
  return `- ${when} · ${a.status ?? 'unknown'} · ${a.durationMinutes ?? '?'} min · ${who}${where ? ` · ${where}` : ''}${a.note ? ` · note: ${String(a.note).slice(0, 120)}` : ''}`;
}

/**
 * A short Markdown summary of one patient for assistants (call handling, chat): contact data,
 * providers, upcoming and recent appointments. Never includes the SSN or its last four digits.
 */
@Injectable()
export class PatientContextService {
  constructor(
    private readonly records: RecordsService,
    private readonly repository: RecordsRepository,
  ) {}

  /** @throws 404 for an unknown patient or another organization's. */
  async markdown(organizationId: string, patientId: string, now = new Date()): Promise<string> {
    const patient: RecordRow = await this.records.get(organizationId, 'patients', patientId);
    const d = patient.data as Data;
    const related = (await this.repository.patientContext(organizationId, patient.integration_id, patientId)) as Array<{ resource_type: string; external_id: string; data: Data; starts_at: Date | null }>;
    const providers = new Map(related.filter((r) => r.resource_type === 'providers').map((r) => [r.external_id, String(r.data.displayName ?? r.data.abbreviation)]));
    const locations = new Map(related.filter((r) => r.resource_type === 'locations').map((r) => [r.external_id, String(r.data.name)]));
    const appointments = related.filter((r) => r.resource_type === 'appointments' && r.starts_at);
    const upcoming = appointments.filter((a) => a.starts_at! >= now).sort((a, b) => +a.starts_at! - +b.starts_at!).slice(0, 5);
    const recent = appointments.filter((a) => a.starts_at! < now).sort((a, b) => +b.starts_at! - +a.starts_at!).slice(0, 5);
    const address = d.address ? [d.address.line1, d.address.line2, d.address.city, d.address.state, d.address.postalCode].filter(Boolean).join(', ') : null;
    const parts = [
      `# ${d.displayName ?? 'Patient'}${patient.deleted_at ? ' (deleted at source)' : ''}`,
      [
        line('Legal name', [d.firstName, d.middleInitial, d.lastName].filter(Boolean).join(' ')),
        line('Preferred name', d.preferredName),
        line('Birth date', d.birthDate),
        line('Status', d.status),
        line('Phone', d.phone),
        ...(d.phones ?? []).slice(1).map((p: Data) => line(`Phone (${p.type})`, p.number)),
        line('Email', d.email),
        line('Address', address),
        line('Primary provider', providers.get(d.primaryProviderExternalId)),
        line('Secondary provider', providers.get(d.secondaryProviderExternalId)),
        line(`${patient.vendor} id`, patient.external_id),
      ].filter(Boolean).join('\n'),
      `## Upcoming appointments\n${upcoming.length ? upcoming.map((a) => appointmentLine(a.data, providers, locations)).join('\n') : '- none'}`,
      `## Recent appointments\n${recent.length ? recent.map((a) => appointmentLine(a.data, providers, locations)).join('\n') : '- none'}`,
    ];
    return `${parts.join('\n\n')}\n`;
  }
}
