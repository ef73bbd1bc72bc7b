import { Get, Param, Query } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexApiError, NexEnvelope, ok } from './envelope';
import { NexPatient } from './institution';
import { documentJson, patientDetailedJson, patientJson } from './json';
import { cursorPage, SortSpec, updatedSince } from './paging';
import { optBool, optDateTime, param, pathId, Query as Q } from './params';
import { NexHealthSandbox } from './sandbox-control.service';
import { scope } from './scope';

const SORTS: SortSpec<NexPatient> = {
  id: { key: (p) => p.id, desc: false }, '-id': { key: (p) => p.id, desc: true },
  updated_at: { key: (p) => p.updated_at, desc: false }, '-updated_at': { key: (p) => p.updated_at, desc: true },
};

/** Simulated `/patients` of NexHealth's v3.0.0 API (§3, [NEX-OAS] getPatients, getPatientsId, getPatientsIdDocuments). */
@NexHealthEndpoint('patients')
export class NexPatientsController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /**
   * GET /patients: `subdomain` and `location_id` required. As at NexHealth, `location_id` alone
   * searches across the whole EHR system (every location of the institution); `location_strict=true`
   * returns only the location's patients ([NEX-OAS] getPatients). Filters `name` (contains, any case),
   * `email`, `phone_number`, `date_of_birth`, `inactive`, `foreign_id`, `updated_since`
   * (inclusive); `sort` id | -id | updated_at | -updated_at; cursor paging (per_page 5 by default, ≤ 1000).
   */
  @Get()
  list(@Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const { institution, locationId } = scope(this.sandbox.institution, q, 'required');
    const name = param(q, 'name')?.toLowerCase();
    const email = param(q, 'email')?.toLowerCase();
    const phone = param(q, 'phone_number');
    const dob = param(q, 'date_of_birth');
    const inactive = optBool(q, 'inactive');
    const foreignId = param(q, 'foreign_id');
    const strict = optBool(q, 'location_strict') === true;
    let rows = [...institution.patients.values()].filter((p) => (!strict || p.location_id === locationId)
      && (name === undefined || p.name.toLowerCase().includes(name))
      && (email === undefined || p.email?.toLowerCase() === email)
      && (phone === undefined || [p.bio.phone_number, p.bio.cell_phone_number, p.bio.home_phone_number, p.bio.work_phone_number].includes(phone))
      && (dob === undefined || p.bio.date_of_birth === dob)
      && (inactive === undefined || p.inactive === inactive)
      && (foreignId === undefined || p.foreign_id === foreignId));
    rows = updatedSince(rows, optDateTime(q, 'updated_since'));
    const page = cursorPage(rows, q, SORTS);
    return ok(page.data.map(patientJson), 'Success', { page_info: page.page_info });
  }

  /** GET /patients/{id}: the patient (PatientDetailed), or 404. */
  @Get(':id')
  one(@Param('id') id: string, @Query() q: Q): NexEnvelope<Record<string, unknown>> {
    const { institution } = scope(this.sandbox.institution, q, 'none');
    const patient = institution.patients.get(pathId(id));
    if (!patient) throw NexApiError.notFound('Patient');
    return ok(patientDetailedJson(patient));
  }

  /** GET /patients/{id}/documents: every document of the patient (not paged; `count` = their number), or 404. */
  @Get(':id/documents')
  documents(@Param('id') id: string, @Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const { institution } = scope(this.sandbox.institution, q, 'none');
    const patientId = pathId(id);
    if (!institution.patients.has(patientId)) throw NexApiError.notFound('Patient');
    const docs = [...institution.documents.values()].filter((d) => d.patient_id === patientId).sort((a, b) => a.id - b.id);
    return ok(docs.map(documentJson), 'Success', { count: docs.length });
  }
}
