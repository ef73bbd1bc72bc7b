import { mapNexAppointment } from '../providers/nexhealth/appointment.mapper';
import { mapNexPatient, NexPatientJson } from '../providers/nexhealth/patient.mapper';
import { mapNexBalance, mapNexCoverage, mapNexDocument, mapNexOperatory, mapNexProvider } from '../providers/nexhealth/records.mapper';
import { mapAppointment } from '../providers/opendental-shared/appointment.mapper';
import { mapCoverage } from '../providers/opendental-shared/coverage.mapper';
import { mapDocument } from '../providers/opendental-shared/document.mapper';
import { mapPatient } from '../providers/opendental-shared/patient.mapper';
import { mapOperatory, mapProvider } from '../providers/opendental-shared/provider.mapper';
import { CanonicalRecord, RecordIssue, ResourceType } from '../providers/provider-adapter';
import { documentJson, operatoryJson, patientJson, providerJson } from '../sandbox/nexhealth/json';
import { generateInstitution } from '../sandbox/nexhealth/generator';
import { OpenDentalGenerator, Row } from '../sandbox/opendental-db';
import { mapFhirAppointment, mapFhirCoverage, mapFhirDocumentReference, mapFhirLocation, mapFhirPatient, mapFhirPractitioner, SSN_SYSTEMS } from '../providers/fhir/mappers';
import { generateTenant } from '../sandbox/fhir/generator';
import { validateCanonicalRecord } from './validate';

/**
 * The canonical contract, one set of checks for every vendor: each mapper's output on its
 * sandbox data (the OpenDental generator's rows, the NexHealth generator's JSON) must pass
 * `validateCanonicalRecord` (fields present and typed, no extra field, codes inside their value
 * sets, dates and UTC instants), and no full SSN of the source rows may appear in `data` or `raw`.
 */
const TZ = 'America/Chicago';

type Mapped = { resource: ResourceType; results: Array<CanonicalRecord | RecordIssue> };

function records(results: Array<CanonicalRecord | RecordIssue>): CanonicalRecord[] {
  return results.filter((r): r is CanonicalRecord => 'data' in r);
}

function openDental(): { mapped: Mapped[]; ssns: string[] } {
  const tables = new OpenDentalGenerator({ patients: 400, seed: 7, referenceTime: '2026-11-15' }).tables();
  const rows = (table: string): Row[] => [...tables[table]()];
  const byKey = (table: string, key: string) => new Map(rows(table).map((r) => [String(r[key]), r]));
  const definitions = byKey('definition', 'DefNum');
  const inssubs = byKey('inssub', 'InsSubNum');
  const plans = byKey('insplan', 'PlanNum');
  const carriers = byKey('carrier', 'CarrierNum');
  const patients = rows('patient');
  const providers = rows('provider');
  const ssns = [...patients, ...providers].map((r) => String(r.SSN ?? '')).filter((s) => s.replace(/\D/g, '').length >= 9);
  return {
    ssns,
    mapped: [
      { resource: 'patients', results: patients.map((r) => mapPatient(r, { requireBirthdate: false, timeZone: TZ })) },
      { resource: 'providers', results: providers.map(mapProvider) },
      { resource: 'locations', results: rows('operatory').map(mapOperatory) },
      // `confirmed` is the ApptConfirmed definition's name, as both read paths add it.
      { resource: 'appointments', results: rows('appointment').map((r) => mapAppointment({ ...r, confirmed: definitions.get(String(r.Confirmed))?.ItemName ?? '' }, TZ)) },
      {
        resource: 'coverages',
        results: rows('patplan').map((patplan) => {
          const inssub = inssubs.get(String(patplan.InsSubNum));
          const insplan = inssub ? plans.get(String(inssub.PlanNum)) : undefined;
          return mapCoverage({ patplan, inssub, insplan, carrier: insplan ? carriers.get(String(insplan.CarrierNum)) : undefined });
        }),
      },
      { resource: 'documents', results: rows('document').map((r) => mapDocument(r, TZ)) },
    ],
  };
}

function nexHealth(): Mapped[] {
  const inst = generateInstitution({ seed: 11, patients: 300, subdomain: 'contract', now: Date.parse('2026-11-15T12:00:00Z') });
  const locationId = [...inst.locations.keys()][0];
  return [
    { resource: 'patients', results: [...inst.patients.values()].map((p) => mapNexPatient(patientJson(p) as NexPatientJson, { requireBirthdate: false, locationId })) },
    { resource: 'providers', results: [...inst.providers.values()].map((p) => mapNexProvider(providerJson(p, inst, ['locations']))) },
    { resource: 'locations', results: [...inst.operatories.values()].map((o) => mapNexOperatory(operatoryJson(o, []))) },
    { resource: 'appointments', results: [...inst.appointments.values()].map((a) => mapNexAppointment({ ...a })) },
    { resource: 'coverages', results: [...inst.coverages.values()].map((c) => mapNexCoverage({ ...c })) },
    { resource: 'documents', results: [...inst.documents.values()].map((d) => mapNexDocument(documentJson(d), String(d.patient_id))) },
    { resource: 'balances', results: [...inst.balances.values()].map((b) => mapNexBalance({ ...b })) },
  ];
}

/** FHIR R4 (the `fhir-r4` adapter and the EHR profiles over it) on the FHIR sandbox's generated tenant. */
function fhir(): { mapped: Mapped[]; ssns: string[] } {
  const now = Date.parse('2026-11-15T12:00:00Z');
  const tenant = generateTenant({ seed: 5, tenantKey: 'fhir-r4/contract', patients: 300, now });
  const all = (type: keyof typeof tenant) => [...tenant[type].values()];
  const ssns = all('Patient').flatMap((p) => ((p.identifier ?? []) as Array<{ system?: string; value?: string }>)
    .filter((i) => SSN_SYSTEMS.has(i.system ?? '')).map((i) => String(i.value)));
  return {
    ssns,
    mapped: [
      { resource: 'patients', results: all('Patient').map((r) => mapFhirPatient(r, { now })) },
      { resource: 'providers', results: all('Practitioner').map((r) => mapFhirPractitioner(r, { now })) },
      { resource: 'locations', results: all('Location').map((r) => mapFhirLocation(r, { now })) },
      { resource: 'appointments', results: all('Appointment').map((r) => mapFhirAppointment(r, { now })) },
      { resource: 'coverages', results: all('Coverage').map((r) => mapFhirCoverage(r, { now })) },
      { resource: 'documents', results: all('DocumentReference').map((r) => mapFhirDocumentReference(r, { now })) },
    ],
  };
}

const od = openDental();
const fh = fhir();
const vendors: Array<[string, Mapped[], string[]]> = [['opendental', od.mapped, od.ssns], ['nexhealth', nexHealth(), od.ssns], ['fhir-r4', fh.mapped, fh.ssns]];

describe.each(vendors)('canonical contract: %s mappers on sandbox data', (_vendor, mapped, sourceSsns) => {
  it.each(mapped.map((m) => [m.resource, m] as const))('%s: every record passes the canonical checks', (_resource, { resource, results }) => {
    const valid = records(results);
    expect(valid.length).toBeGreaterThan(0);
    const problems = valid.flatMap((r) => validateCanonicalRecord(resource, r).map((p) => `${r.externalId} ${p.path}: ${p.message}`));
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('no full SSN of the source rows appears outside `sensitive`', () => {
    const ssns = sourceSsns.flatMap((s) => [s, s.replace(/\D/g, '')]);
    expect(ssns.length).toBeGreaterThan(0);
    for (const { results } of mapped) {
      for (const r of records(results)) {
        const outside = JSON.stringify({ data: r.data, raw: r.raw, index: r.index });
        const leaked = ssns.find((s) => outside.includes(s));
        expect(leaked ? `${r.externalId} leaks an SSN` : null).toBeNull();
      }
    }
  });
});

describe('validateCanonicalRecord catches what the contract forbids', () => {
  const patient = (records([mapPatient({ PatNum: 1, FName: 'Ann', LName: 'Lee', Birthdate: '1980-01-02', PatStatus: 0, WirelessPhone: '5125550100', HmPhone: '5125550101' }, { requireBirthdate: false, timeZone: TZ })])[0]) as CanonicalRecord<'patients'>;

  it('accepts a mapped patient', () => {
    expect(validateCanonicalRecord('patients', patient)).toEqual([]);
  });

  it('rejects a vendor code, a vendor-only field, a local time as an instant, a bad date and broken phone ranks', () => {
    const data = { ...patient.data, status: 'archived', foreignId: '42', deceasedDateTime: '2026-01-02T10:00:00', birthDate: '02/01/1980' };
    data.telecom = data.telecom.map((t, i) => ({ ...t, rank: i + 2 }));
    const paths = validateCanonicalRecord('patients', { ...patient, data } as CanonicalRecord).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['data.status', 'data.foreignId', 'data.deceasedDateTime', 'data.birthDate', 'data.telecom']));
  });

  it('rejects a missing field', () => {
    const { gender: _gender, ...rest } = patient.data;
    expect(validateCanonicalRecord('patients', { ...patient, data: rest } as CanonicalRecord)).toEqual([{ path: 'data.gender', message: 'is missing' }]);
  });
});
