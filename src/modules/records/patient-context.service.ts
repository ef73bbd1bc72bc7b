import { Injectable } from '@nestjs/common';
import { CanonicalData, emailOf, officialName } from '../../canonical';
import { RecordRow, RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

type Appointment = CanonicalData['appointments'];
type Patient = CanonicalData['patients'];

function line(label: string, value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : `- ${label}: ${value}`;
}

function appointmentLine(a: Appointment, providers: Map<string, string>, locations: Map<string, string>): string {
  const when = a.localStart ? `${String(a.localStart).replace('T', ' ').slice(0, 16)} (${a.timeZone})` : 'unscheduled';
  const who = (a.provider && providers.get(a.provider.externalId)) ?? 'no provider';
  const where = a.location ? locations.get(a.location.externalId) : undefined;
  return `- ${when} · ${a.status ?? 'unknown'} · ${a.durationMinutes ?? '?'} min · ${who}${where ? ` · ${where}` : ''}${a.comment ? ` · note: ${a.comment.slice(0, 120)}` : ''}`;
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
    const d = patient.data as unknown as Patient;
    const related = (await this.repository.patientContext(organizationId, patient.integration_id, patientId)) as Array<{ resource_type: string; external_id: string; data: Record<string, unknown>; starts_at: Date | null }>;
    const providers = new Map(related.filter((r) => r.resource_type === 'providers').map((r) => [r.external_id, String(r.data.displayName ?? r.data.abbreviation)]));
    const locations = new Map(related.filter((r) => r.resource_type === 'locations').map((r) => [r.external_id, String(r.data.name)]));
    const appointments = related.filter((r) => r.resource_type === 'appointments' && r.starts_at);
    const upcoming = appointments.filter((a) => a.starts_at! >= now).sort((a, b) => +a.starts_at! - +b.starts_at!).slice(0, 5);
    const recent = appointments.filter((a) => a.starts_at! < now).sort((a, b) => +b.starts_at! - +a.starts_at!).slice(0, 5);
    const home = d.addresses?.[0];
    const address = home ? [...home.line, home.city, home.state, home.postalCode].filter(Boolean).join(', ') : null;
    const legal = officialName(d.names ?? []);
    const phones = (d.telecom ?? []).filter((t) => t.system === 'phone').sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
    const parts = [
      `# ${d.displayName ?? 'Patient'}${patient.deleted_at ? ' (deleted at source)' : ''}`,
      [
        line('Legal name', legal?.text),
        line('Preferred name', d.preferredName),
        line('Birth date', d.birthDate),
        line('Status', d.status),
        line('Phone', phones[0]?.value),
        ...phones.slice(1).map((p) => line(`Phone (${p.use ?? 'other'})`, p.value)),
        line('Email', emailOf(d.telecom ?? [])),
        line('Address', address),
        line('Primary provider', d.primaryProvider ? providers.get(d.primaryProvider.externalId) : null),
        line(`${patient.vendor} id`, patient.external_id),
      ].filter(Boolean).join('\n'),
      `## Upcoming appointments\n${upcoming.length ? upcoming.map((a) => appointmentLine(a.data as unknown as Appointment, providers, locations)).join('\n') : '- none'}`,
      `## Recent appointments\n${recent.length ? recent.map((a) => appointmentLine(a.data as unknown as Appointment, providers, locations)).join('\n') : '- none'}`,
    ];
    return `${parts.join('\n\n')}\n`;
  }
}
