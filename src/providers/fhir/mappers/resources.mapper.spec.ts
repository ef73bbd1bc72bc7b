import { mapFhirAppointment, mapFhirCoverage, mapFhirDocumentReference, mapFhirLocation, mapFhirPractitioner, isValidNpi } from '.';

const NOW = Date.UTC(2026, 11, 2);

describe('mapFhirPractitioner and mapFhirLocation', () => {
  it('takes the NPI only when it passes the Luhn check, and active=false as inactive', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    const r = mapFhirPractitioner({
      resourceType: 'Practitioner', id: 'prac-7', active: false,
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }, { system: 'http://hl7.org/fhir/sid/us-npi', value: '1111111111' }],
      name: [{ use: 'official', family: 'Ødegård', given: ['Siân'], prefix: ['Dr.'] }],
      telecom: [{ system: 'phone', value: '555-0100', use: 'work', rank: 2 }, { system: 'phone', value: '555-0111', use: 'mobile', rank: 1 }],
    }, { now: NOW });
    expect(r.data).toMatchObject({ npi: '1234567893', status: 'inactive', displayName: 'Siân Ødegård' });
    expect(r.data.identifiers.filter((i) => i.type === 'NPI')).toHaveLength(1);
    expect(r.data.telecom[0].value).toBe('555-0111');
  });

  it('maps a room and a site', () => {
    const room = mapFhirLocation({ resourceType: 'Location', id: 'loc-2', status: 'suspended', name: 'Operatory 2', alias: ['OP2'], physicalType: { coding: [{ code: 'ro' }] }, partOf: { reference: 'Location/loc-1' } });
    expect(room.data).toMatchObject({ kind: 'room', name: 'Operatory 2', abbreviation: 'OP2', status: 'suspended', partOf: { externalId: 'loc-1' } });
    const site = mapFhirLocation({ resourceType: 'Location', id: 'loc-1', name: 'Main St Clinic', address: { line: ['1 Main St'], city: 'Austin', state: 'TX', postalCode: '78701' } });
    expect(site.data).toMatchObject({ kind: 'site', status: 'active', address: { city: 'Austin', line: ['1 Main St'] } });
  });
});

describe('mapFhirAppointment', () => {
  const appointment = {
    resourceType: 'Appointment', id: 'appt-9', status: 'booked', start: '2026-12-03T09:00:00-06:00', end: '2026-12-03T09:45:00-06:00',
    participant: [
      { actor: { reference: 'Location/loc-2' }, status: 'accepted' },
      { type: [{ coding: [{ code: 'SPRF' }] }], actor: { reference: 'Practitioner/prac-8' }, status: 'tentative' },
      { type: [{ coding: [{ code: 'PPRF' }] }], actor: { reference: 'https://ehr.example/fhir/Practitioner/prac-7/_history/2' }, status: 'accepted' },
      { actor: { reference: 'Patient/pat-42', display: 'Zoë' }, status: 'accepted' },
      { actor: { reference: 'HealthcareService/hs-1' }, status: 'accepted' },
      { actor: { display: 'Front desk' }, status: 'accepted' },
    ],
  };

  it('links patient, performer and location by FHIR logical id and computes times in UTC', () => {
    const r = mapFhirAppointment(appointment);
    expect(r.data).toMatchObject({
      status: 'booked', sourceStatus: 'booked', start: '2026-12-03T15:00:00.000Z', end: '2026-12-03T15:45:00.000Z', durationMinutes: 45,
      patient: { externalId: 'pat-42' }, provider: { externalId: 'prac-7' }, location: { externalId: 'loc-2' },
    });
    expect(r.data.participants.map((p) => [p.resourceType, p.type, p.status])).toEqual([
      ['locations', 'LOC', 'accepted'], ['providers', 'SPRF', 'tentative'], ['providers', 'PPRF', 'accepted'], ['patients', 'PART', 'accepted'],
    ]);
    expect(r.patientExternalId).toBe('pat-42');
    expect(r.deleted).toBe(false);
  });

  it('treats entered-in-error as a deletion and keeps cancelled/noshow as statuses', () => {
    expect(mapFhirAppointment({ ...appointment, status: 'entered-in-error' })).toMatchObject({ deleted: true });
    expect(mapFhirAppointment({ ...appointment, status: 'noshow' })).toMatchObject({ deleted: false, data: { status: 'noshow' } });
    const cancelled = mapFhirAppointment({ resourceType: 'Appointment', id: 'a', status: 'cancelled', participant: [], minutesDuration: 30 });
    expect(cancelled.data).toMatchObject({ status: 'cancelled', start: null, end: null, durationMinutes: 30, patient: null });
  });
});

describe('mapFhirCoverage and mapFhirDocumentReference', () => {
  it('maps a dental coverage with payer, relationship, group and plan', () => {
    const r = mapFhirCoverage({
      resourceType: 'Coverage', id: 'cov-1', status: 'active', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'DENTPRG' }] },
      subscriber: { reference: 'Patient/pat-40' }, subscriberId: 'W123456', beneficiary: { reference: 'Patient/pat-42' },
      identifier: [{ type: { coding: [{ code: 'MB' }] }, value: 'W123456-02' }],
      relationship: { coding: [{ code: 'child' }] }, order: 1, period: { start: '2026-01-01' },
      payor: [{ reference: 'Organization/org-delta', display: 'Delta Dental of Oregon' }],
      class: [{ type: { coding: [{ code: 'group' }] }, value: 'G-77', name: 'Acme Corp' }, { type: { coding: [{ code: 'plan' }] }, value: 'PPO-1', name: 'PPO' }],
    });
    expect(r.data).toMatchObject({
      status: 'active', type: 'dental', beneficiary: { externalId: 'pat-42' }, subscriber: { externalId: 'pat-40' }, subscriberId: 'W123456', memberId: 'W123456-02',
      relationship: 'child', order: 1, period: { start: '2026-01-01', end: null }, payer: { externalId: 'org-delta', name: 'Delta Dental of Oregon' },
      groupName: 'Acme Corp', groupNumber: 'G-77', plan: { externalId: 'PPO-1' }, planType: 'PPO',
    });
    expect(r.patientExternalId).toBe('pat-42');
    expect(mapFhirCoverage({ resourceType: 'Coverage', id: 'c2', status: 'entered-in-error' }).deleted).toBe(true);
  });

  it('keeps the attachment URL and never the inline data', () => {
    const r = mapFhirDocumentReference({
      resourceType: 'DocumentReference', id: 'doc-1', status: 'current', subject: { reference: 'Patient/pat-42' }, date: '2026-11-01T12:00:00Z',
      type: { coding: [{ system: 'http://loinc.org', code: '34108-1' }] }, author: [{ reference: 'Practitioner/prac-7' }],
      content: [{ attachment: { contentType: 'application/pdf', title: 'visit-note.pdf', url: 'Binary/bin-1', data: Buffer.from('Zoë has 4 cavities').toString('base64') } }],
    });
    expect(r.data).toMatchObject({ subject: { externalId: 'pat-42' }, url: 'Binary/bin-1', fileName: 'visit-note.pdf', contentType: 'application/pdf', sourceCategory: '34108-1', author: { externalId: 'prac-7' }, date: '2026-11-01T12:00:00.000Z' });
    expect(JSON.stringify(r.raw)).not.toContain(Buffer.from('Zoë has 4 cavities').toString('base64'));
    expect(JSON.stringify(r.raw)).toContain('Binary/bin-1');
    expect(mapFhirDocumentReference({ resourceType: 'DocumentReference', id: 'd2', status: 'entered-in-error' }).deleted).toBe(true);
  });
});
