import { mapAppointment } from '../opendental-shared/appointment.mapper';
import { mapPatient } from '../opendental-shared/patient.mapper';
import { localToInstant } from '../opendental-shared/values';
import { CanonicalRecord } from '../provider-adapter';
import { OpenDentalApiClient } from './http-client';
import { OpenDentalApiConfig } from './opendental-api.config';
import {
  AppointmentResult, OdAppointmentCreate, OdAppointmentQuery, OdBreakOptions, OdConfirmation, OdPatientCreate, OdSlotQuery, PatientResult, Slot,
} from './opendental-api.types';
import { toOfficeLocal } from './office-time';
import { OpenDentalApiException } from './retry-policy';
import { fetchAll } from './stream-reader';

type Json = Record<string, unknown>;

/**
 * Write operations (§1.5) over an {@link OpenDentalApiClient}. A write whose answer is lost
 * (timeout, 5xx, reset) is never blindly resent: the operation looks at OpenDental first and
 * returns what it finds (`recovered`), resends only when the change is certainly absent, and
 * otherwise rethrows the `outcomeUnknown` error.
 */
export class OpenDentalApiWrites {
  constructor(
    private readonly client: OpenDentalApiClient,
    private readonly config: OpenDentalApiConfig,
  ) {}

  patientResult(vendor: Json, extra: Partial<PatientResult> = {}): PatientResult {
    return { patNum: Number(vendor.PatNum), record: mapPatient(vendor, { requireBirthdate: false, timeZone: this.config.timeZone }) as CanonicalRecord<'patients'>, vendor, ...extra };
  }

  appointmentResult(vendor: Json, extra: Partial<AppointmentResult> = {}): AppointmentResult {
    const mapped = mapAppointment(vendor, this.config.timeZone);
    return 'data' in mapped
      ? { aptNum: Number(vendor.AptNum), record: mapped, vendor, ...extra }
      : { aptNum: Number(vendor.AptNum), record: null, skipped: mapped, vendor, ...extra };
  }

  async getPatient(patNum: number): Promise<PatientResult> {
    return this.patientResult(await this.client.get<Json>(`/patients/${patNum}`));
  }

  async createPatient(input: OdPatientCreate): Promise<PatientResult> {
    try {
      const res = await this.client.request<Json>('POST', '/patients', {}, input, false);
      return this.patientResult(res.data, { duplicate: res.status === 200 });
    } catch (error) {
      if (!(error instanceof OpenDentalApiException && error.outcomeUnknown)) throw error;
      const found = await this.findSamePatient(input);
      if (found) return this.patientResult(found, { duplicate: false, recovered: true });
      throw error;
    }
  }

  /**
   * PUT /patients/{PatNum} (§1.5, [OD-PAT]): the given fields only, `""` clears one. Idempotent (it
   * sets values), so a lost answer is simply sent again. Returns the patient as OpenDental now has it.
   */
  async updatePatient(patNum: number, fields: Partial<OdPatientCreate>): Promise<PatientResult> {
    return this.patientResult((await this.client.request<Json>('PUT', `/patients/${patNum}`, {}, fields, true)).data);
  }

  /** The patient OpenDental's duplicate check would match (LName, FName, Birthdate and Email or a phone), newest first. */
  private async findSamePatient(input: OdPatientCreate): Promise<Json | null> {
    const candidates = await fetchAll(this.client, '/patients/Simple', 'PatNum', { LName: input.LName, FName: input.FName, Birthdate: input.Birthdate ?? '0001-01-01' }, this.config.pageSize);
    const digits = (v: unknown) => String(v ?? '').replace(/\D/g, '');
    const phones = [input.HmPhone, input.WkPhone, input.WirelessPhone].map(digits).filter((p) => p.length >= 7);
    const same = candidates.filter((c) => String(c.LName).toLowerCase() === input.LName.toLowerCase() && String(c.FName).toLowerCase() === input.FName.toLowerCase()
      && ((input.Email && String(c.Email).toLowerCase() === input.Email.toLowerCase()) || [c.HmPhone, c.WkPhone, c.WirelessPhone].map(digits).some((p) => p && phones.includes(p))));
    return same.sort((a, b) => Number(b.PatNum) - Number(a.PatNum))[0] ?? null;
  }

  async getAppointment(aptNum: number): Promise<AppointmentResult> {
    return this.appointmentResult(await this.client.get<Json>(`/appointments/${aptNum}`));
  }

  /** Every appointment matching the filters (paged). */
  async findAppointments(query: OdAppointmentQuery): Promise<AppointmentResult[]> {
    const rows = await fetchAll(this.client, '/appointments', 'AptNum', { ...query }, this.config.pageSize);
    return rows.map((row) => this.appointmentResult(row));
  }

  async createAppointment(input: OdAppointmentCreate): Promise<AppointmentResult> {
    const body: Json = { ...input, AptDateTime: toOfficeLocal(input.AptDateTime, this.config.timeZone) };
    for (const flag of ['IsHygiene', 'IsNewPatient'] as const) if (input[flag] !== undefined) body[flag] = input[flag] ? 'true' : 'false';
    try {
      const res = await this.client.request<Json>('POST', '/appointments', {}, body, false);
      return this.appointmentResult(res.data);
    } catch (error) {
      if (!(error instanceof OpenDentalApiException && error.outcomeUnknown)) throw error;
      const at = String(body.AptDateTime);
      const sameDay = await this.findAppointments({ PatNum: input.PatNum, date: at.slice(0, 10) });
      const found = sameDay.filter((a) => Number(a.vendor.Op) === input.Op && a.vendor.AptDateTime === at && a.vendor.AptStatus === (input.AptStatus ?? 'Scheduled'));
      if (found.length) return { ...found.sort((a, b) => b.aptNum - a.aptNum)[0], recovered: true };
      throw error;
    }
  }

  async breakAppointment(aptNum: number, options: OdBreakOptions): Promise<AppointmentResult> {
    const body: Json = { sendToUnscheduledList: options.sendToUnscheduledList ? 'true' : 'false', ...(options.breakType ? { breakType: options.breakType } : {}) };
    await this.writeUnlessDone(() => this.client.request('PUT', `/appointments/${aptNum}/Break`, {}, body, false),
      async () => (await this.getAppointment(aptNum)).vendor.AptStatus !== 'Scheduled');
    return this.getAppointment(aptNum);
  }

  /** Confirm sets a value: sending it twice is harmless, so it is retried like a read. */
  async confirmAppointment(aptNum: number, confirmation: OdConfirmation): Promise<AppointmentResult> {
    await this.client.request('PUT', `/appointments/${aptNum}/Confirm`, {}, confirmation, true);
    return this.getAppointment(aptNum);
  }

  async appendAppointmentNote(aptNum: number, note: string): Promise<AppointmentResult> {
    const asSent = note.replace(/\r\n|\r|\n/g, ' ').trim();
    await this.writeUnlessDone(() => this.client.request('PUT', `/appointments/${aptNum}/Note`, {}, { Note: note }, false),
      async () => String((await this.getAppointment(aptNum)).vendor.Note ?? '').trim().endsWith(asSent));
    return this.getAppointment(aptNum);
  }

  /** PUT /appointments/{AptNum} (OpenDental discourages it; used to restore an appointment). Idempotent: it sets values. */
  async updateAppointment(aptNum: number, fields: Partial<Omit<OdAppointmentCreate, 'PatNum'>> & { AptStatus?: OdAppointmentQuery['AptStatus'] }): Promise<AppointmentResult> {
    const body: Json = { ...fields };
    if (fields.AptDateTime !== undefined) body.AptDateTime = toOfficeLocal(fields.AptDateTime, this.config.timeZone);
    for (const flag of ['IsHygiene', 'IsNewPatient'] as const) if (fields[flag] !== undefined) body[flag] = fields[flag] ? 'true' : 'false';
    return this.appointmentResult((await this.client.request<Json>('PUT', `/appointments/${aptNum}`, {}, body, true)).data);
  }

  async getSlots(query: OdSlotQuery): Promise<Slot[]> {
    const out: Slot[] = [];
    for (let offset = 0; ; ) {
      const page = await this.client.get<Json[]>('/appointments/Slots', { ...query, Limit: this.config.pageSize, Offset: offset });
      for (const s of page) out.push(this.slot(s));
      offset += page.length;
      if (page.length < this.config.pageSize) return out;
    }
  }

  private slot(s: Json): Slot {
    const localStart = String(s.DateTimeStart).replace(' ', 'T');
    const localEnd = String(s.DateTimeEnd).replace(' ', 'T');
    const start = localToInstant(localStart, this.config.timeZone)!;
    const end = localToInstant(localEnd, this.config.timeZone)!;
    return {
      start, end, localStart, localEnd, date: localStart.slice(0, 10), durationMinutes: Math.round((Date.parse(end) - Date.parse(start)) / 60000),
      providerExternalId: String(s.ProvNum), locationExternalId: String(s.OpNum),
    };
  }

  /** Runs a non-idempotent write; when its outcome is unknown, checks `done()` and resends once only if it is not. */
  private async writeUnlessDone(write: () => Promise<unknown>, done: () => Promise<boolean>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof OpenDentalApiException && error.outcomeUnknown)) throw error;
      if (await done()) return;
      await write();
    }
  }
}
