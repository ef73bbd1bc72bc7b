import { Get, Param, Query } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexApiError, NexEnvelope, ok } from './envelope';
import { NexAppointment } from './institution';
import { cursorPage, SortSpec, updatedSince } from './paging';
import { intArray, optBool, optDateTime, optInt, param, pathId, Query as Q } from './params';
import { NexHealthSandbox } from './sandbox-control.service';
import { scope } from './scope';

const SORTS: SortSpec<NexAppointment> = {
  id: { key: (a) => a.id, desc: false }, start_time: { key: (a) => a.start_time, desc: false },
  updated_at: { key: (a) => a.updated_at, desc: false }, '-updated_at': { key: (a) => a.updated_at, desc: true },
};

/** At most 25 patient ids per request (§3). */
const MAX_PATIENT_IDS = 25;

/** Simulated `/appointments` of NexHealth's v3.0.0 API (§3, [NEX-OAS] getAppointments, getAppointmentsId). */
@NexHealthEndpoint('appointments')
export class NexAppointmentsController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /**
   * GET /appointments: `subdomain`, `start` and `end` required (a window on start_time, start
   * inclusive, end exclusive) → 400 without them; `location_id` or `foreign_id` must be given;
   * filters `updated_since` (inclusive), `cancelled`, `unavailable`, `patient_ids[]` (≤ 25),
   * `provider_ids[]`, `operatory_ids[]`, `appointment_type_id`; cursor paging (per_page 5 by default).
   */
  @Get()
  list(@Query() q: Q): NexEnvelope<NexAppointment[]> {
    const { institution, locationId } = scope(this.sandbox.institution, q, 'optional');
    const start = optDateTime(q, 'start');
    const end = optDateTime(q, 'end');
    if (start === undefined || end === undefined) throw NexApiError.badRequest('start and end are required');
    if (end < start) throw NexApiError.badRequest('end must be after start');
    const foreignId = param(q, 'foreign_id');
    if (locationId === undefined && foreignId === undefined) throw NexApiError.badRequest('location_id or foreign_id is required');
    const patientIds = intArray(q, 'patient_ids');
    if (patientIds && patientIds.length > MAX_PATIENT_IDS) throw NexApiError.badRequest(`patient_ids accepts at most ${MAX_PATIENT_IDS} ids`);
    const providerIds = intArray(q, 'provider_ids');
    const operatoryIds = intArray(q, 'operatory_ids');
    const cancelled = optBool(q, 'cancelled');
    const unavailable = optBool(q, 'unavailable');
    const typeId = optInt(q, 'appointment_type_id');
    let rows = [...institution.appointments.values()].filter((a) => {
      const at = Date.parse(a.start_time);
      return at >= start && at < end
        && (locationId === undefined || a.location_id === locationId)
        && (foreignId === undefined || a.foreign_id === foreignId)
        && (!patientIds || (a.patient_id !== null && patientIds.includes(a.patient_id)))
        && (!providerIds || (a.provider_id !== null && providerIds.includes(a.provider_id)))
        && (!operatoryIds || (a.operatory_id !== null && operatoryIds.includes(a.operatory_id)))
        && (cancelled === undefined || a.cancelled === cancelled)
        && (unavailable === undefined || Boolean(a.unavailable) === unavailable)
        && (typeId === undefined || a.appointment_type_id === typeId);
    });
    rows = updatedSince(rows, optDateTime(q, 'updated_since'));
    const page = cursorPage(rows, q, SORTS);
    return ok(page.data.map((a) => ({ ...a })), 'Success', { page_info: page.page_info });
  }

  /** GET /appointments/{id}, or 404. */
  @Get(':id')
  one(@Param('id') id: string, @Query() q: Q): NexEnvelope<NexAppointment> {
    const { institution } = scope(this.sandbox.institution, q, 'none');
    const row = institution.appointments.get(pathId(id));
    if (!row) throw NexApiError.notFound('Appointment');
    return ok({ ...row });
  }
}
