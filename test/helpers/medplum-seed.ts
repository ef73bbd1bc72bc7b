import type { MemoryRepository } from '@medplum/fhir-router';
import type { Appointment, Location, Patient, Practitioner } from '@medplum/fhirtypes';

/** How many of each type {@link seedForeignServer} creates. */
export const FOREIGN_COUNTS = { Practitioner: 8, Location: 4, Patient: 45, Appointment: 60, Coverage: 30, DocumentReference: 24 } as const;

const GIVEN = ['Amara', 'Björn', 'Chiara', 'Dmitri', 'Élodie', 'Farid', 'Greta', 'Hiroshi', 'Inés', 'Jamal', 'Katarzyna', 'Luis', 'Mei', 'Nnamdi', 'Olga'];
const FAMILY = ['Okafor', 'Lindqvist', 'Russo', 'Ivanov', 'Marchand', 'Haddad', 'Schultz', 'Tanaka', 'Morales', 'Price', 'Nowak', 'García'];
const STATUSES: Appointment['status'][] = ['booked', 'fulfilled', 'cancelled', 'noshow', 'booked', 'arrived'];
const MRN = 'http://hospital.example.org/mrn';

/**
 * Seeds the foreign server's MemoryRepository through Medplum's own `createResource` (ids,
 * `meta.versionId` and `meta.lastUpdated` are Medplum's), independent of the hub's FHIR sandbox:
 * practitioners with NPIs, clinic sites, patients with official and nickname names, ranked
 * phones, e-mail, MRN identifiers, appointments linking patient, practitioner and location,
 * coverages and documents with attachment URLs. Deterministic by index.
 */
export async function seedForeignServer(repo: MemoryRepository): Promise<void> {
  const practitioners: Practitioner[] = [];
  for (let i = 0; i < FOREIGN_COUNTS.Practitioner; i++) {
    practitioners.push(await repo.createResource<Practitioner>({
      resourceType: 'Practitioner', active: true,
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: `19${String(10000000 + i * 7919).slice(-8)}` }],
      name: [{ use: 'official', prefix: ['Dr.'], given: [GIVEN[(i * 4) % GIVEN.length]], family: FAMILY[(i * 5) % FAMILY.length] }],
      telecom: [{ system: 'phone', value: `503-555-01${String(i).padStart(2, '0')}`, use: 'work' }],
    }));
  }
  const locations: Location[] = [];
  for (let i = 0; i < FOREIGN_COUNTS.Location; i++) {
    locations.push(await repo.createResource<Location>({
      resourceType: 'Location', status: 'active', name: `Riverside Clinic ${i + 1}`, mode: 'instance',
      address: { line: [`${100 + i} Alder St`], city: 'Portland', state: 'OR', postalCode: '97205' },
    }));
  }
  const patients: Patient[] = [];
  for (let i = 0; i < FOREIGN_COUNTS.Patient; i++) {
    const given = GIVEN[i % GIVEN.length];
    const family = FAMILY[(i * 7) % FAMILY.length];
    patients.push(await repo.createResource<Patient>({
      resourceType: 'Patient', active: true, gender: i % 2 ? 'female' : 'male', birthDate: `${1950 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: MRN, value: `MRN-${70000 + i}` }],
      name: [{ use: 'official', given: [given, 'Q.'], family }, ...(i % 3 === 0 ? [{ use: 'nickname' as const, given: [given.slice(0, 3)] }] : [])],
      telecom: [
        { system: 'phone', value: `971-555-${String(2000 + i)}`, use: 'mobile', rank: 1 },
        { system: 'phone', value: `503-555-${String(3000 + i)}`, use: 'home', rank: 2 },
        { system: 'email', value: `${given.toLowerCase()}.${i}@mail.example.org` },
      ],
      address: [{ use: 'home', line: [`${i + 1} Elm St`], city: 'Portland', state: 'OR', postalCode: '97201' }],
      generalPractitioner: [{ reference: `Practitioner/${practitioners[i % practitioners.length].id}` }],
    }));
  }
  const day = Date.UTC(2026, 11, 7, 15);
  for (let i = 0; i < FOREIGN_COUNTS.Appointment; i++) {
    const start = new Date(day + i * 3_600_000 * 5);
    await repo.createResource<Appointment>({
      resourceType: 'Appointment', status: STATUSES[i % STATUSES.length], start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      minutesDuration: 30, description: 'Follow-up visit',
      participant: [
        { actor: { reference: `Patient/${patients[i % patients.length].id}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${practitioners[i % practitioners.length].id}` }, status: 'accepted', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF' }] }] },
        { actor: { reference: `Location/${locations[i % locations.length].id}` }, status: 'accepted' },
      ],
    });
  }
  for (let i = 0; i < FOREIGN_COUNTS.Coverage; i++) {
    await repo.createResource({
      resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${patients[i].id}` }, subscriberId: `W${900000 + i}`,
      relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }] },
      payor: [{ display: 'Moda Health' }], order: 1, period: { start: '2026-01-01' },
    });
  }
  for (let i = 0; i < FOREIGN_COUNTS.DocumentReference; i++) {
    await repo.createResource({
      resourceType: 'DocumentReference', status: 'current', subject: { reference: `Patient/${patients[i].id}` }, date: '2026-11-20T10:00:00Z',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
      content: [{ attachment: { contentType: 'application/pdf', url: `https://docs.example.org/notes/${i}.pdf`, title: `Progress note ${i + 1}` } }],
    });
  }
}
