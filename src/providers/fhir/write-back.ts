import type {
  ActionOutcome, ActionRequest, ActionType, AdapterContext, AppointmentSlot, CanonicalRecord, SlotQuery, WriteBackCapability,
} from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import type { FhirClient } from './fhir-client';
import type { Bundle, FhirResource } from './fhir-types';

const JSON_PATCH = 'application/json-patch+json';
const MINUTE = 60_000;

/** What the write-back needs from its adapter: a client for the integration and the mappers. */
export interface FhirWriteDeps {
  client(ctx: AdapterContext): FhirClient;
  mapPatient(resource: FhirResource): CanonicalRecord;
  mapAppointment(resource: FhirResource): CanonicalRecord;
}

function fail(code: ProviderExceptionCode, message: string): ProviderException {
  return new ProviderException(code, message, { temporary: false });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * FHIR R4 write-back as Oracle Health documents it (FHIR-R4.md §5; docs.oracle.com mfrap
 * op-appointment-post, op-appointment-id-patch) and Epic's Patient.Create: `POST Patient`;
 * booking = a free `Slot` found by `start` and `-location`, then `POST Appointment` with status
 * booked, that one slot and one accepted patient participant without type; cancel and confirm =
 * `PATCH Appointment/{id}` (JSON Patch of `/status`) with `If-Match` from a fresh read, read again
 * and retried once on 409/412. Creates are not idempotent: a POST is sent once, and after a
 * timeout the server is searched for what it may have created before anything is retried. Every
 * write is read back and compared (status, start) before it counts.
 */
export class FhirWriteBack implements WriteBackCapability {
  constructor(readonly actions: readonly ActionType[], private readonly deps: FhirWriteDeps) {}

  /** @throws ProviderException (CONFLICT: no free slot, a stale version twice; BAD_REQUEST: an unsupported confirmation). */
  async performAction(ctx: AdapterContext, action: ActionRequest): Promise<ActionOutcome> {
    if (!this.actions.includes(action.type)) throw fail(ProviderExceptionCode.UNSUPPORTED, `${action.type} is not supported`);
    const client = this.deps.client(ctx);
    const p = action.payload;
    switch (action.type) {
      case 'create_patient': return this.createPatient(client, p);
      case 'create_appointment': return this.book(client, p);
      case 'cancel_appointment': return this.setStatus(client, String(p.appointmentExternalId), 'cancelled', ['booked', 'proposed']);
      case 'confirm_appointment':
        if (p.confirmation !== 'confirmed') throw fail(ProviderExceptionCode.BAD_REQUEST, 'Only confirmation "confirmed" maps to a FHIR Appointment status (booked)');
        return this.setStatus(client, String(p.appointmentExternalId), 'booked', ['proposed']);
      default: throw fail(ProviderExceptionCode.UNSUPPORTED, `${action.type} is not supported`);
    }
  }

  /** Free slots (`Slot?start=ge…&start=lt…&status=free[&-location=Location/x]`), as UTC instants. */
  async findSlots(ctx: AdapterContext, query: SlotQuery): Promise<AppointmentSlot[]> {
    const params = new URLSearchParams([['start', `ge${query.dateStart}T00:00:00Z`], ['start', `lt${new Date(Date.parse(`${query.dateEnd}T00:00:00Z`) + 1440 * MINUTE).toISOString()}`], ['status', 'free']]);
    if (query.locationExternalId) params.append('-location', `Location/${query.locationExternalId}`);
    const slots = await this.slots(this.deps.client(ctx), params);
    return slots
      .filter((s) => !query.lengthMinutes || minutes(s) >= query.lengthMinutes)
      .map((s) => ({ start: new Date(String(s.start)).toISOString(), end: new Date(String(s.end)).toISOString(), localDate: String(s.start).slice(0, 10), providerExternalId: null, locationExternalId: query.locationExternalId ?? null }));
  }

  private async slots(client: FhirClient, params: URLSearchParams): Promise<FhirResource[]> {
    const { body } = await client.http.get<Bundle>(`Slot?${params.toString()}`);
    return (body.entry ?? []).map((e) => e.resource).filter((r): r is FhirResource => r?.resourceType === 'Slot' && r.status === 'free');
  }

  private async createPatient(client: FhirClient, p: Record<string, unknown>): Promise<ActionOutcome> {
    const given = [str(p.firstName), str(p.middleInitial)].filter((g): g is string => !!g);
    const address = p.address as Record<string, string> | undefined;
    const resource: FhirResource = {
      resourceType: 'Patient', name: [{ use: 'official', family: str(p.lastName), given }], birthDate: str(p.birthDate), gender: str(p.gender),
      telecom: [...(str(p.phone) ? [{ system: 'phone', value: p.phone, use: 'home' }] : []), ...(str(p.email) ? [{ system: 'email', value: p.email }] : [])],
      ...(address ? { address: [{ use: 'home', line: [address.line1, address.line2].filter(Boolean), city: address.city, state: address.state, postalCode: address.postalCode }] } : {}),
    };
    if (!(resource.telecom as unknown[]).length) delete resource.telecom;
    if (str(p.preferredName)) (resource.name as unknown[]).push({ use: 'nickname', given: [p.preferredName] });
    const id = await this.create(client, resource, async () => {
      const q = new URLSearchParams({ family: String(p.lastName), given: String(p.firstName), birthdate: String(p.birthDate) });
      const found = (await client.http.get<Bundle>(`Patient?${q.toString()}`)).body.entry ?? [];
      return found.length === 1 ? found[0].resource?.id ?? null : null;
    });
    const back = await this.read(client, 'Patient', id);
    if (back.birthDate !== p.birthDate) throw fail(ProviderExceptionCode.VENDOR_ERROR, 'The created patient read back differs from the request');
    return { result: { externalId: id, status: 'created' }, records: [{ resource: 'patients', record: this.deps.mapPatient(back) }] };
  }

  private async book(client: FhirClient, p: Record<string, unknown>): Promise<ActionOutcome> {
    const start = Date.parse(String(p.start));
    const params = new URLSearchParams([['start', `ge${new Date(start).toISOString()}`], ['start', `lt${new Date(start + MINUTE).toISOString()}`], ['status', 'free'], ['-location', `Location/${String(p.locationExternalId)}`]]);
    const slot = (await this.slots(client, params)).find((s) => Date.parse(String(s.start)) === start && minutes(s) === Number(p.durationMinutes));
    if (!slot) throw fail(ProviderExceptionCode.CONFLICT, `No free ${String(p.durationMinutes)}-minute slot at that start and location`);
    const patient = `Patient/${String(p.patientExternalId)}`;
    const resource: FhirResource = {
      resourceType: 'Appointment', status: 'booked', slot: [{ reference: `Slot/${slot.id}` }],
      participant: [{ actor: { reference: patient }, status: 'accepted' }], ...(str(p.note) ? { comment: p.note } : {}),
    };
    const id = await this.create(client, resource, async () => {
      const q = new URLSearchParams([['patient', String(p.patientExternalId)], ['date', `ge${new Date(start).toISOString()}`], ['date', `lt${new Date(start + MINUTE).toISOString()}`]]);
      const found = ((await client.http.get<Bundle>(`Appointment?${q.toString()}`)).body.entry ?? [])
        .filter((e) => (e.resource?.slot as Array<{ reference?: string }> | undefined)?.some((s) => s.reference === `Slot/${slot.id}`));
      return found.length === 1 ? found[0].resource?.id ?? null : null;
    });
    const back = await this.read(client, 'Appointment', id);
    if (back.status !== 'booked' || Date.parse(String(back.start)) !== start) throw fail(ProviderExceptionCode.VENDOR_ERROR, 'The booked appointment read back differs from the request (status or start)');
    return { result: { externalId: id, status: 'booked', slotId: slot.id }, records: [{ resource: 'appointments', record: this.deps.mapAppointment(back) }] };
  }

  /** POST once; after a timeout, `lookup` says whether the server created it anyway. @returns the new id. */
  private async create(client: FhirClient, resource: FhirResource, lookup: () => Promise<string | null>): Promise<string> {
    try {
      const answer = await client.http.exchange('POST', resource.resourceType, { body: resource, headers: { 'Content-Type': 'application/fhir+json', Prefer: 'return=representation' } });
      const id = (answer.body as FhirResource | null)?.id ?? /\/(?:[A-Za-z]+)\/([^/]+)(?:\/_history\/[^/]+)?$/.exec(answer.headers.location ?? '')?.[1];
      if (!id) throw fail(ProviderExceptionCode.VENDOR_ERROR, `${resource.resourceType} create answered without an id`);
      return id;
    } catch (error) {
      if (!(error instanceof ProviderException) || error.code !== ProviderExceptionCode.CONNECTION_FAILED) throw error;
      const existing = await lookup();
      if (existing) return existing;
      throw error; // not created: the action may be retried
    }
  }

  private async read(client: FhirClient, type: string, id: string): Promise<FhirResource & { etag?: string }> {
    const answer = await client.http.exchange('GET', `${type}/${encodeURIComponent(id)}`);
    return { ...(answer.body as FhirResource), etag: answer.headers.etag };
  }

  /** PATCH `/status` with If-Match; a 409/412 (changed meanwhile) reads again and retries once. */
  private async setStatus(client: FhirClient, id: string, status: string, from: string[]): Promise<ActionOutcome> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(client, 'Appointment', id);
      const { etag, ...resource } = current;
      if (resource.status === status) return { result: { externalId: id, status, changed: false }, records: [{ resource: 'appointments', record: this.deps.mapAppointment(resource) }] };
      if (!from.includes(String(resource.status))) throw fail(ProviderExceptionCode.CONFLICT, `The appointment is ${String(resource.status)}; it cannot become ${status}`);
      try {
        await client.http.exchange('PATCH', `Appointment/${encodeURIComponent(id)}`, {
          body: [{ op: 'replace', path: '/status', value: status }], headers: { 'Content-Type': JSON_PATCH, 'If-Match': etag ?? `W/"${resource.meta?.versionId ?? ''}"` },
        });
      } catch (error) {
        if (attempt < 2 && error instanceof ProviderException && error.code === ProviderExceptionCode.CONFLICT) continue;
        throw error;
      }
      const back = await this.read(client, 'Appointment', id);
      const { etag: _e, ...after } = back;
      if (after.status !== status) throw fail(ProviderExceptionCode.VENDOR_ERROR, 'The appointment read back does not show the new status');
      return { result: { externalId: id, status, changed: true }, records: [{ resource: 'appointments', record: this.deps.mapAppointment(after) }] };
    }
  }
}

function minutes(slot: FhirResource): number {
  return Math.round((Date.parse(String(slot.end)) - Date.parse(String(slot.start))) / MINUTE);
}
