import { Injectable } from '@nestjs/common';
import { PatientLinkDto } from './dtos/record.dto';
import { PatientSourceDto, PatientSourcesDto, SourceSectionsDto } from './dtos/patient-sources.dto';
import { canonicalData } from './record-routes';
import { PatientOwnedRow, RecordRow, RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

/** Patient-owned resources, whose records fill the sections coverages, appointments, documents and financials. */
const OWNED_RESOURCES = ['coverages', 'appointments', 'documents', 'balances'];
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
    const owned = await this.repository.ownedByPatients(organizationId, patients.map((p) => p.id), OWNED_RESOURCES, SECTION_LIMIT);
    return { patientId: root.id, sources: patients.map((p) => this.source(p, owned.filter((o) => o.patient_id === p.id))) };
  }

  private source(p: RecordRow, owned: PatientOwnedRow[]): PatientSourceDto {
    // The canonical patient split: contact points and addresses have their own sections, every other field is `demographics`.
    const { telecom, addresses, ...demographics } = canonicalData<'patients'>(p.data);
    const sections: SourceSectionsDto = { demographics, contacts: { telecom }, addresses, coverages: [], appointments: [], documents: [], financials: [] };
    for (const o of owned) {
      const item = { id: o.id, externalId: o.external_id, raw: o.raw, deletedAt: o.deleted_at };
      if (o.resource_type === 'coverages') sections.coverages.push({ ...item, data: canonicalData<'coverages'>(o.data) });
      else if (o.resource_type === 'appointments') sections.appointments.push({ ...item, data: canonicalData<'appointments'>(o.data) });
      else if (o.resource_type === 'documents') sections.documents.push({ ...item, data: canonicalData<'documents'>(o.data) });
      else if (o.resource_type === 'balances') sections.financials.push({ ...item, data: canonicalData<'balances'>(o.data) });
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
