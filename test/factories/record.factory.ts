import type { DataSource } from 'typeorm';
import type { Appointment, Coverage, DocumentReference, Location, Patient, Practitioner, ResourceType } from '../../src/canonical';

/** A canonical patient (src/canonical/patient.ts) with every field set to a plain default. */
export function patientData(over: Partial<Patient> = {}): Patient {
  return {
    names: [{ use: 'official', family: 'Doe', given: ['Jane'], prefix: [], suffix: [], text: 'Jane Doe' }],
    preferredName: null, displayName: 'Jane Doe', birthDate: '1980-05-17', gender: 'female', status: 'active', sourceStatus: 'Patient',
    telecom: [{ system: 'phone', value: '555-0100', use: 'home', rank: 1 }],
    addresses: [{ use: 'home', line: ['1 Main St'], city: 'Springfield', state: 'IL', postalCode: '62704', country: 'US' }],
    identifiers: [], ssnLast4: null, deceased: false, deceasedDateTime: null, maritalStatus: null, language: null,
    primaryProvider: null, primaryLocation: null, guarantor: null, firstVisitDate: null,
    ...over,
  };
}

/** A canonical provider with defaults. */
export function practitionerData(over: Partial<Practitioner> = {}): Practitioner {
  return {
    names: [{ use: 'official', family: 'Smith', given: ['Alice'], prefix: ['Dr'], suffix: [], text: 'Dr Alice Smith' }],
    displayName: 'Alice Smith', npi: '1234567893', identifiers: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893', type: 'NPI' }],
    telecom: [], status: 'active', sourceStatus: null, specialtyCode: null, isHygienist: false, abbreviation: 'DOC1', isHidden: false, terminationDate: null,
    ...over,
  };
}

/** A canonical location (a room) with defaults. */
export function locationData(over: Partial<Location> = {}): Location {
  return {
    kind: 'room', name: 'Operatory 1', abbreviation: 'OP1', status: 'active', partOf: null, address: null, telecom: [],
    isHygiene: false, isBookableOnline: true, defaultProvider: null, defaultHygienist: null, sortOrder: 1,
    ...over,
  };
}

/** A canonical booked appointment of 30 minutes with defaults (links given by the caller). */
export function appointmentData(over: Partial<Appointment> = {}): Appointment {
  return {
    status: 'booked', sourceStatus: 'Scheduled', start: '2026-12-01T15:00:00.000Z', end: '2026-12-01T15:30:00.000Z', durationMinutes: 30,
    timeZone: 'America/Chicago', localStart: '2026-12-01T09:00:00', participants: [], patient: null, provider: null, location: null,
    appointmentType: null, confirmation: null, sourceConfirmation: null, comment: null, description: 'Cleaning', isNewPatient: false,
    priority: 'normal', arrivedAt: null, dismissedAt: null, cancelledAt: null,
    ...over,
  };
}

/** A canonical dental coverage with defaults. */
export function coverageData(over: Partial<Coverage> = {}): Coverage {
  return {
    status: 'active', type: 'dental', beneficiary: null, subscriber: null, subscriberId: 'SUB-1', memberId: null, relationship: 'self',
    sourceRelationship: 'Self', order: 1, period: { start: '2026-01-01', end: null },
    payer: { externalId: '7', name: 'Delta Dental', electronicId: '12345', phone: null, address: null },
    groupName: 'Acme', groupNumber: 'G-1', plan: { externalId: '3' }, planType: 'ppo', assignmentOfBenefits: true, releaseOfInformation: true,
    ...over,
  };
}

/** A canonical document's metadata with defaults. */
export function documentData(over: Partial<DocumentReference> = {}): DocumentReference {
  return {
    status: 'current', subject: null, description: 'Bitewing', fileName: 'bw.jpg', contentType: 'image/jpeg', category: 'radiograph',
    sourceCategory: 'X-Rays', date: '2026-11-30T10:00:00.000Z', author: null, toothNumbers: [], comment: null, url: null,
    ...over,
  };
}

/** One record to insert: the canonical data and the store's indexed columns. */
export interface RecordSeed {
  externalId: string;
  data: object;
  patientId?: string | null;
  startsAt?: string | null;
  deleted?: boolean;
}

/**
 * Inserts records into the real `records` table in one statement (as the writer's COPY would:
 * canonical `data`, `patient_id`, `starts_at`, `birth_date`) and returns their ids in order.
 */
export async function buildRecords(db: DataSource, organizationId: string, integrationId: string, resource: ResourceType, seeds: RecordSeed[]): Promise<string[]> {
  const rows: Array<{ id: string; external_id: string }> = await db.query(
    `INSERT INTO records (organization_id, integration_id, resource_type, external_id, data, content_hash, patient_id, starts_at, birth_date, deleted_at)
     SELECT $1, $2, $3, s->>'externalId', s->'data', md5(s::text) || md5(s->>'externalId'), (s->>'patientId')::uuid, (s->>'startsAt')::timestamptz,
            (s->'data'->>'birthDate')::date, CASE WHEN (s->>'deleted')::boolean THEN now() END
       FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(s, n)
      ORDER BY n
     RETURNING id, external_id`,
    [organizationId, integrationId, resource, JSON.stringify(seeds)],
  );
  const byExternal = new Map(rows.map((r) => [r.external_id, r.id]));
  return seeds.map((s) => byExternal.get(s.externalId) as string);
}

/** Inserts one record and returns its id. */
export async function buildRecord(db: DataSource, organizationId: string, integrationId: string, resource: ResourceType, seed: RecordSeed): Promise<string> {
  return (await buildRecords(db, organizationId, integrationId, resource, [seed]))[0];
}
