import { ActionOutcome, ActionRequest, AppointmentSlot, CanonicalRecord, ResourceType } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { OpenDentalApiConfig } from './opendental-api.config';
import { AppointmentResult, OdConfirmation, OdPatientCreate } from './opendental-api.types';
import { toOfficeLocal } from './office-time';
import { OpenDentalApiException } from './retry-policy';
import { OpenDentalApiWrites } from './write-operations';

type Payload = Record<string, any>;

/** AptStatus values that hold a place in an operatory (Slots and the availability check agree on these). */
const ON_SCHEDULE = new Set(['Scheduled', 'Complete', 'ASAP', 'PtNote', 'PtNoteCompleted']);
const CONFIRM_VAL: Record<string, 'None' | 'Sent' | 'Confirmed' | 'Not Accepted' | 'Failed'> = {
  none: 'None', sent: 'Sent', confirmed: 'Confirmed', not_accepted: 'Not Accepted', failed: 'Failed',
};
const GENDER: Record<string, OdPatientCreate['Gender']> = { male: 'Male', female: 'Female', unknown: 'Unknown' };

/** An OpenDental key from a vendor-neutral external id. @throws ProviderException BAD_REQUEST. */
function odKey(value: unknown, field: string): number {
  if (!/^\d+$/.test(String(value ?? '')) || Number(value) <= 0) throw new ProviderException(ProviderExceptionCode.BAD_REQUEST, `${field} must be an OpenDental key (a positive number)`);
  return Number(value);
}

/** Wall-time minutes of an office-local `yyyy-MM-dd HH:mm:ss`. */
const minutes = (local: string): number => Date.parse(`${local.replace(' ', 'T')}Z`) / 60_000;
const patternOf = (durationMinutes: number): string => 'X'.repeat(Math.max(1, Math.ceil(durationMinutes / 5)));

function records(resource: ResourceType, ...results: Array<{ record: CanonicalRecord | null }>): ActionOutcome['records'] {
  return results.flatMap((r) => (r.record ? [{ resource, record: r.record }] : []));
}

/**
 * The vendor-neutral write-back actions (provider-adapter.ts `ActionRequest`, payloads validated
 * by modules/actions) carried out with OpenDental's REST API (§1.5):
 * - create_patient → POST /patients; OpenDental's duplicate check gives `duplicate: true`.
 * - create_appointment → the operatory's appointments that day are read first: the same patient
 *   already Scheduled there at that time is this booking (a retry after a lost answer: returned
 *   with `recovered: true`); any other overlap is a CONFLICT (409); then POST /appointments with
 *   a Pattern of `durationMinutes`.
 * - confirm_appointment → PUT …/Confirm with the eConfirmation value.
 * - cancel_appointment → Break (only Scheduled: else CONFLICT), `sendToUnscheduledList` default true.
 * - reschedule_appointment → availability check, Break the original (kept off the Unscheduled List),
 *   then POST the new one; when the POST is refused the original is put back to Scheduled with
 *   PUT /appointments/{AptNum}, and the error says whether that worked (both states reported).
 * - add_appointment_note → PUT …/Note (appends a line).
 * - update_patient → PUT /patients/{PatNum} with the given fields (`""` clears one).
 * `records` are OpenDental's answers, mapped by the shared mappers, for the store.
 */
export class OpenDentalApiActions {
  constructor(
    private readonly writes: OpenDentalApiWrites,
    private readonly config: OpenDentalApiConfig,
  ) {}

  async perform(action: ActionRequest): Promise<ActionOutcome> {
    const p = action.payload as Payload;
    switch (action.type) {
      case 'create_patient': return this.createPatient(p);
      case 'create_appointment': return this.createAppointment(p);
      case 'confirm_appointment': {
        const confirmation: OdConfirmation = { confirmVal: CONFIRM_VAL[String(p.confirmation)] ?? 'Confirmed' };
        const done = await this.writes.confirmAppointment(odKey(p.appointmentExternalId, 'appointmentExternalId'), confirmation);
        return { result: { appointmentExternalId: String(done.aptNum), confirmation: done.vendor.confirmed ?? null }, records: records('appointments', done) };
      }
      case 'cancel_appointment': {
        const aptNum = odKey(p.appointmentExternalId, 'appointmentExternalId');
        await this.scheduled(aptNum);
        const done = await this.writes.breakAppointment(aptNum, { sendToUnscheduledList: p.sendToUnscheduledList ?? true, breakType: p.reason === 'missed' ? 'Missed' : 'Cancelled' });
        return { result: { appointmentExternalId: String(aptNum), status: done.record?.data.status ?? null, sourceStatus: done.vendor.AptStatus }, records: records('appointments', done) };
      }
      case 'reschedule_appointment': return this.reschedule(p);
      case 'update_patient': return this.updatePatient(p);
      case 'add_appointment_note': {
        const done = await this.writes.appendAppointmentNote(odKey(p.appointmentExternalId, 'appointmentExternalId'), String(p.note));
        return { result: { appointmentExternalId: String(done.aptNum) }, records: records('appointments', done) };
      }
      default:
        throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `Action ${String(action.type)} is not supported by OpenDental`);
    }
  }

  /** Open blocks as the actions module wants them (provider-adapter.ts `AppointmentSlot`). */
  async findSlots(query: { dateStart: string; dateEnd: string; lengthMinutes?: number; providerExternalId?: string; locationExternalId?: string }): Promise<AppointmentSlot[]> {
    const slots = await this.writes.getSlots({
      dateStart: query.dateStart, dateEnd: query.dateEnd, lengthMinutes: query.lengthMinutes,
      ProvNum: query.providerExternalId ? odKey(query.providerExternalId, 'providerExternalId') : undefined,
      OpNum: query.locationExternalId ? odKey(query.locationExternalId, 'locationExternalId') : undefined,
    });
    return slots.map((s) => ({ start: s.start, end: s.end, localDate: s.date, providerExternalId: s.providerExternalId, locationExternalId: s.locationExternalId }));
  }

  private async createPatient(p: Payload): Promise<ActionOutcome> {
    const input: OdPatientCreate = {
      LName: p.lastName, FName: p.firstName, Birthdate: p.birthDate, MiddleI: p.middleInitial, Preferred: p.preferredName,
      Gender: p.gender ? GENDER[p.gender] : undefined, Email: p.email, WirelessPhone: p.phone,
      Address: p.address?.line1, Address2: p.address?.line2, City: p.address?.city, State: p.address?.state, Zip: p.address?.postalCode,
    };
    const done = await this.writes.createPatient(JSON.parse(JSON.stringify(input)) as OdPatientCreate);
    return {
      result: { patientExternalId: String(done.patNum), duplicate: done.duplicate ?? false, ...(done.recovered ? { recovered: true } : {}) },
      records: [{ resource: 'patients', record: done.record }],
    };
  }

  /** PUT /patients/{PatNum} with the given fields; the answer (OpenDental's patient now) is read back into the store. */
  private async updatePatient(p: Payload): Promise<ActionOutcome> {
    const patNum = odKey(p.patientExternalId, 'patientExternalId');
    const input: Partial<OdPatientCreate> = {
      LName: p.lastName, FName: p.firstName, Birthdate: p.birthDate, Preferred: p.preferredName, Gender: p.gender ? GENDER[p.gender] : undefined,
      Email: p.email, WirelessPhone: p.mobilePhone, HmPhone: p.homePhone, WkPhone: p.workPhone, Language: p.language,
      ...(p.address ? { Address: p.address.line1 ?? '', Address2: p.address.line2 ?? '', City: p.address.city ?? '', State: p.address.state ?? '', Zip: p.address.postalCode ?? '' } : {}),
    };
    const done = await this.writes.updatePatient(patNum, JSON.parse(JSON.stringify(input)) as Partial<OdPatientCreate>);
    return { result: { patientExternalId: String(done.patNum) }, records: [{ resource: 'patients', record: done.record }] };
  }

  private async createAppointment(p: Payload): Promise<ActionOutcome> {
    const op = odKey(p.locationExternalId, 'locationExternalId');
    const patNum = odKey(p.patientExternalId, 'patientExternalId');
    const at = toOfficeLocal(String(p.start), this.config.timeZone);
    const sameDay = await this.writes.findAppointments({ Op: op, date: at.slice(0, 10) });
    // A retry after a lost answer finds its own booking: the patient, chair and time already Scheduled.
    const mine = sameDay.find((a) => Number(a.vendor.PatNum) === patNum && a.vendor.AptDateTime === at && a.vendor.AptStatus === 'Scheduled');
    if (mine) return { result: this.appointmentResult({ ...mine, recovered: true }), records: records('appointments', mine) };
    this.assertFree(sameDay, op, at, Number(p.durationMinutes));
    const done = await this.writes.createAppointment({
      PatNum: patNum, Op: op, AptDateTime: at, Pattern: patternOf(Number(p.durationMinutes)),
      ProvNum: p.providerExternalId ? odKey(p.providerExternalId, 'providerExternalId') : undefined, Note: p.note,
    });
    return { result: this.appointmentResult(done), records: records('appointments', done) };
  }

  private async reschedule(p: Payload): Promise<ActionOutcome> {
    const aptNum = odKey(p.appointmentExternalId, 'appointmentExternalId');
    const original = await this.scheduled(aptNum);
    const v = original.vendor;
    const op = p.locationExternalId ? odKey(p.locationExternalId, 'locationExternalId') : Number(v.Op);
    const at = toOfficeLocal(String(p.start), this.config.timeZone);
    const pattern = p.durationMinutes ? patternOf(Number(p.durationMinutes)) : String(v.Pattern);
    this.assertFree(await this.writes.findAppointments({ Op: op, date: at.slice(0, 10) }), op, at, pattern.length * 5, aptNum);
    await this.writes.breakAppointment(aptNum, { sendToUnscheduledList: false });
    let created: AppointmentResult;
    try {
      created = await this.writes.createAppointment({
        PatNum: Number(v.PatNum), Op: op, AptDateTime: at, Pattern: pattern, ProvNum: p.providerExternalId ? odKey(p.providerExternalId, 'providerExternalId') : Number(v.ProvNum),
        ProvHyg: Number(v.ProvHyg) || undefined, AppointmentTypeNum: Number(v.AppointmentTypeNum) || undefined, Note: String(v.Note ?? '') || undefined,
        IsHygiene: v.IsHygiene === 'true', IsNewPatient: v.IsNewPatient === 'true', Priority: v.Priority === 'ASAP' ? 'ASAP' : undefined,
      });
    } catch (error) {
      throw await this.restoreAfter(aptNum, error);
    }
    const previous = await this.writes.getAppointment(aptNum);
    return {
      result: { ...this.appointmentResult(created), previousAppointmentExternalId: String(aptNum), previousStatus: previous.vendor.AptStatus },
      records: records('appointments', created, previous),
    };
  }

  /** After a refused new booking: puts the original back to Scheduled and returns the error to throw, naming both states. */
  private async restoreAfter(aptNum: number, error: unknown): Promise<unknown> {
    if (!(error instanceof ProviderException)) return error;
    const unknown = error instanceof OpenDentalApiException && error.outcomeUnknown;
    if (unknown) {
      return new ProviderException(ProviderExceptionCode.VENDOR_ERROR,
        `Reschedule incomplete: appointment ${aptNum} is Broken and the new booking's outcome is unknown (${error.message}); check the schedule before retrying`);
    }
    try {
      await this.writes.updateAppointment(aptNum, { AptStatus: 'Scheduled' });
    } catch (restoreError) {
      const why = restoreError instanceof Error ? restoreError.message : 'unknown error';
      return new ProviderException(ProviderExceptionCode.VENDOR_ERROR,
        `Reschedule failed: the new booking was refused (${error.message}) and appointment ${aptNum} could not be restored, it is Broken (${why})`);
    }
    return new ProviderException(error.code, `Reschedule failed: the new booking was refused (${error.message}); appointment ${aptNum} was restored to Scheduled`, { temporary: error.temporary });
  }

  /** The appointment, which must be Scheduled. @throws ProviderException CONFLICT otherwise. */
  private async scheduled(aptNum: number): Promise<AppointmentResult> {
    const current = await this.writes.getAppointment(aptNum);
    if (current.vendor.AptStatus !== 'Scheduled') {
      throw new ProviderException(ProviderExceptionCode.CONFLICT, `Appointment ${aptNum} is ${String(current.vendor.AptStatus)}, not Scheduled`);
    }
    return current;
  }

  /** @throws ProviderException CONFLICT when one of the operatory's appointments that day on the schedule overlaps [at, at + duration). */
  private assertFree(sameDay: AppointmentResult[], op: number, at: string, durationMinutes: number, ignoreAptNum?: number): void {
    const from = minutes(at);
    const to = from + durationMinutes;
    const clash = sameDay.find((a) => a.aptNum !== ignoreAptNum && ON_SCHEDULE.has(String(a.vendor.AptStatus))
      && minutes(String(a.vendor.AptDateTime)) < to && minutes(String(a.vendor.AptDateTime)) + String(a.vendor.Pattern).length * 5 > from);
    if (clash) {
      throw new ProviderException(ProviderExceptionCode.CONFLICT,
        `Operatory ${op} is taken: appointment ${clash.aptNum} occupies ${String(clash.vendor.AptDateTime)} for ${String(clash.vendor.Pattern).length * 5} minutes`);
    }
  }

  private appointmentResult(done: AppointmentResult): Record<string, unknown> {
    return {
      appointmentExternalId: String(done.aptNum), start: done.record?.data.start ?? null, end: done.record?.data.end ?? null,
      ...(done.recovered ? { recovered: true } : {}),
    };
  }
}
