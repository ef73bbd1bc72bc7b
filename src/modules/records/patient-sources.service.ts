import { Injectable } from '@nestjs/common';
import { PatientLinkDto, PatientSourceDto, PatientSourcesDto, SourceItemDto } from './dtos/record.dto';
import { PatientOwnedRow, RecordRow, RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

/** Canonical patient fields shown under `contacts` and `addresses`; every other field is `demographics`. */
const CONTACT_FIELDS = ['telecom'];
const ADDRESS_FIELDS = ['address', 'addresses'];
/** Patient-owned resources and the section each fills. */
const SECTION_OF: Record<string, 'coverages' | 'appointments' | 'documents' | 'financials'> = {
  coverages: 'coverages', appointments: 'appointments', documents: 'documents', balances: 'financials',
};
/** Per section and source: enough for a chart view, bounded for a patient with decades of visits. */
const SECTION_LIMIT = 200;

/** The `link` of a patient row, or null when it is not linked. */
export function linkOf(r: Pick<RecordRow, 'linked_patient_id' | 'link_reason' | 'linked_at'>): PatientLinkDto | null {
  return r.linked_patient_id && r.link_reason && r.linked_at ? { patientId: r.linked_patient_id, reason: r.link_reason, linkedAt: r.linked_at } : null;
}

/**
 * Every source's data for one person: the root patient (the one others are linked to) and each
 * patient linked to it, with their data split into sections and each item's raw payload.
 * Always scoped by organization.
 */
@Injectable()
export class PatientSourcesService {
  constructor(
    private readonly repository: RecordsRepository,
    private readonly records: RecordsService,
  ) {}

  /** @throws 404 when the patient is not the organization's. */
  async sources(organizationId: string, patientId: string): Promise<PatientSourcesDto> {
    const asked = await this.records.get(organizationId, 'patients', patientId);
    const root = asked.linked_patient_id ? await this.records.get(organizationId, 'patients', asked.linked_patient_id) : asked;
    const linked = await this.records.linkedTo(organizationId, root.id);
    const patients = [root, ...linked];
    const owned = await this.repository.ownedByPatients(organizationId, patients.map((p) => p.id), Object.keys(SECTION_OF), SECTION_LIMIT);
    return { patientId: root.id, sources: patients.map((p) => this.source(p, owned.filter((o) => o.patient_id === p.id))) };
  }

  private source(p: RecordRow, owned: PatientOwnedRow[]): PatientSourceDto {
    const demographics: Record<string, unknown> = {};
    const contacts: Record<string, unknown> = {};
    const addresses: Array<Record<string, unknown>> = [];
    for (const [key, value] of Object.entries(p.data)) {
      if (CONTACT_FIELDS.includes(key)) contacts[key] = value;
      else if (ADDRESS_FIELDS.includes(key)) addresses.push(...(Array.isArray(value) ? value : value ? [value as Record<string, unknown>] : []));
      else demographics[key] = value;
    }
    const sections = { demographics, contacts, addresses, coverages: [], appointments: [], documents: [], financials: [] } as PatientSourceDto['sections'];
    for (const o of owned) {
      const item: SourceItemDto = { id: o.id, externalId: o.external_id, data: o.data, raw: o.raw, deletedAt: o.deleted_at };
      sections[SECTION_OF[o.resource_type]].push(item);
    }
    return {
      patientId: p.id,
      source: { integrationId: p.integration_id, vendor: p.vendor, externalId: p.external_id, sourceUpdatedAt: p.source_updated_at, lastSyncedAt: p.integration_last_synced_at },
      link: linkOf(p),
      sections,
      raw: p.raw,
    };
  }
}
