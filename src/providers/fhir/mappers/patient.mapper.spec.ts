import { mapFhirPatient } from './patient.mapper';
import type { FhirResource } from '../fhir-types';

const NOW = Date.UTC(2026, 11, 2);

/** A US Core patient as an EHR serves it: unicode names, a nickname, ranked phones, an ended phone, both SSN spellings, an MRN. */
function zoe(overrides: Partial<FhirResource> = {}): FhirResource {
  return {
    resourceType: 'Patient', id: 'pat-42', meta: { versionId: '3', lastUpdated: '2026-11-30T14:05:09.120-05:00' },
    text: { status: 'generated', div: '<div>Zoë O\'Brien-Nuñez SSN 123-45-6789</div>' },
    identifier: [
      { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14', value: 'E4242' },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
      { system: 'urn:oid:2.16.840.1.113883.4.1', value: '123456789' },
    ],
    active: true,
    name: [
      { use: 'old', family: 'Nuñez', given: ['Zoë'] },
      { use: 'nickname', given: ['Zo'] },
      { use: 'official', family: 'O\'Brien-Nuñez', given: ['Zoë', 'Ángela'], suffix: ['Jr.'] },
    ],
    telecom: [
      { system: 'phone', value: '503-555-0101', use: 'home', rank: 2 },
      { system: 'phone', value: '503-555-0199', use: 'mobile', rank: 1 },
      { system: 'phone', value: '503-555-0000', use: 'work', period: { end: '2020-01-01' } },
      { system: 'email', value: 'zoe@example.org' },
      { system: 'phone', value: '503-555-0777', use: 'old' },
    ],
    gender: 'female', birthDate: '1984-02-29',
    address: [
      { use: 'work', line: ['1 Work Way'], city: 'Portland', state: 'OR', postalCode: '97201' },
      { use: 'home', line: ['742 Évergreen Terrace', 'Apt 3'], city: 'Portland', state: 'OR', postalCode: '97214', country: 'US' },
      { use: 'old', line: ['9 Old Rd'], city: 'Salem' },
    ],
    maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
    generalPractitioner: [{ reference: 'https://ehr.example/fhir/Practitioner/prac-7' }],
    ...overrides,
  };
}

describe('mapFhirPatient', () => {
  it('maps names by use, telecom by rank and period, MRN by type, addresses home first', () => {
    const r = mapFhirPatient(zoe(), { now: NOW });
    expect(r.externalId).toBe('pat-42');
    expect(r.data.names.map((n) => n.use)).toEqual(['official', 'nickname', 'old']);
    expect(r.data.names[0]).toMatchObject({ family: 'O\'Brien-Nuñez', given: ['Zoë', 'Ángela'], suffix: ['Jr.'] });
    expect(r.data.preferredName).toBe('Zo');
    expect(r.data.displayName).toBe('Zo O\'Brien-Nuñez');
    expect(r.data.telecom.map((t) => t.value)).toEqual(['503-555-0199', '503-555-0101', 'zoe@example.org']);
    expect(r.data.addresses.map((a) => a.line[0])).toEqual(['742 Évergreen Terrace', '1 Work Way']);
    expect(r.data.identifiers).toEqual([
      { system: 'source:id', value: 'pat-42', type: 'PI' },
      { system: 'urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14', value: 'E4242', type: 'MR' },
    ]);
    expect(r.data).toMatchObject({ birthDate: '1984-02-29', gender: 'female', status: 'active', maritalStatus: 'M', language: 'es', primaryProvider: { externalId: 'prac-7' } });
    expect(r.sourceUpdatedAt).toBe('2026-11-30T14:05:09.120-05:00');
    expect(r.index?.searchText).toContain('obriennunez');
  });

  it('keeps SSNs (both system spellings) only in sensitive and ssnLast4, never in raw or its narrative', () => {
    const r = mapFhirPatient(zoe(), { now: NOW });
    expect(r.sensitive).toEqual({ ssn: '123456789' });
    expect(r.data.ssnLast4).toBe('6789');
    const raw = JSON.stringify(r.raw);
    expect(raw).not.toMatch(/6789/);
    expect(raw).not.toMatch(/us-ssn|2\.16\.840\.1\.113883\.4\.1/);
    expect(raw).toContain('E4242');
    const oidOnly = mapFhirPatient(zoe({ identifier: [{ system: 'urn:oid:2.16.840.1.113883.4.1', value: '987-65-4321' }] }), { now: NOW });
    expect(oidOnly).toMatchObject({ sensitive: { ssn: '987654321' }, data: { ssnLast4: '4321' } });
    expect(JSON.stringify(oidOnly.raw)).not.toContain('4321');
  });

  it('reads deceased patients (dateTime and boolean) and inactive ones', () => {
    expect(mapFhirPatient(zoe({ deceasedDateTime: '2026-03-04T10:00:00+01:00' }), { now: NOW }).data).toMatchObject({ deceased: true, deceasedDateTime: '2026-03-04T09:00:00.000Z', status: 'deceased' });
    expect(mapFhirPatient(zoe({ deceasedBoolean: true }), { now: NOW }).data).toMatchObject({ deceased: true, deceasedDateTime: null, status: 'deceased' });
    expect(mapFhirPatient(zoe({ active: false }), { now: NOW }).data).toMatchObject({ status: 'inactive', deceased: false });
  });

  it('counts a patient replaced by another (merged) as a deletion', () => {
    const r = mapFhirPatient(zoe({ link: [{ other: { reference: 'Patient/pat-43' }, type: 'replaced-by' }] }), { now: NOW });
    expect(r).toMatchObject({ deleted: true, data: { status: 'deleted', sourceStatus: 'replaced-by' } });
    expect(mapFhirPatient(zoe({ link: [{ other: { reference: 'Patient/pat-41' }, type: 'replaces' }] }), { now: NOW }).deleted).toBe(false);
  });

  it('uses a usual name with another given as the preferred name, and tolerates a bare resource', () => {
    const r = mapFhirPatient(zoe({ name: [{ use: 'official', family: '山田', given: ['太郎'] }, { use: 'usual', family: '山田', given: ['Taro'] }] }), { now: NOW });
    expect(r.data).toMatchObject({ preferredName: 'Taro', displayName: 'Taro 山田' });
    const bare = mapFhirPatient({ resourceType: 'Patient', id: 'x' }, { now: NOW });
    expect(bare.data).toMatchObject({ names: [], displayName: null, telecom: [], birthDate: null, gender: null, ssnLast4: null });
    expect(bare.sensitive).toBeUndefined();
  });
});
