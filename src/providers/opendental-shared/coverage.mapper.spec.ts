import { CanonicalRecord } from '../provider-adapter';
import { mapCoverage, relationshipName } from './coverage.mapper';

/** The same chain as the database gives it (numbers, tinyint flags) and as the REST API does (text enums, "true"/"false"). */
const DB_ROWS = {
  patplan: { PatPlanNum: '31', PatNum: '12', Ordinal: 2, IsPending: 0, Relationship: 1, PatID: '', InsSubNum: '7', SecDateTEdit: '2025-03-01 10:00:00' },
  inssub: {
    InsSubNum: '7', PlanNum: '4', Subscriber: '11', DateEffective: '2019-01-01', DateTerm: '0001-01-01', ReleaseInfo: 1, AssignBen: 1,
    SubscriberID: 'W123456789', SecDateTEdit: '2025-04-02 09:30:00',
  },
  insplan: { PlanNum: '4', GroupName: 'Acme Corp', GroupNum: '55012', PlanType: 'p', CarrierNum: '3', IsMedical: 0, SecDateTEdit: '2024-01-01 08:00:00' },
  carrier: {
    CarrierNum: '3', CarrierName: 'Delta Dental of Oregon', Address: 'PO Box 40384', Address2: '', City: 'Portland', State: 'OR',
    Zip: '97240', Phone: '(800)452-1063', ElectID: 'CDOR1', SecDateTEdit: '2023-05-05 12:00:00',
  },
};

const API_ROWS = {
  patplan: { ...DB_ROWS.patplan, PatPlanNum: 31, PatNum: 12, InsSubNum: 7, IsPending: 'false', Relationship: 'Spouse' },
  inssub: { ...DB_ROWS.inssub, InsSubNum: 7, PlanNum: 4, Subscriber: 11, ReleaseInfo: 'true', AssignBen: 'true' },
  insplan: { ...DB_ROWS.insplan, PlanNum: 4, CarrierNum: 3, IsMedical: 'false' },
  carrier: { ...DB_ROWS.carrier, CarrierNum: 3 },
};

describe('mapCoverage', () => {
  it('joins patplan, inssub, insplan and carrier into one FHIR Coverage-like record', () => {
    const record = mapCoverage(DB_ROWS) as CanonicalRecord<'coverages'>;
    expect(record.externalId).toBe('31');
    expect(record.patientExternalId).toBe('12');
    expect(record.data).toEqual({
      status: 'active', type: 'dental', beneficiary: { externalId: '12' }, subscriber: { externalId: '11' }, subscriberId: 'W123456789', memberId: null,
      relationship: 'spouse', sourceRelationship: 'Spouse', order: 2, period: { start: '2019-01-01', end: null },
      payer: {
        externalId: '3', name: 'Delta Dental of Oregon', electronicId: 'CDOR1', phone: '(800)452-1063',
        address: { use: 'work', line: ['PO Box 40384'], city: 'Portland', state: 'OR', postalCode: '97240', country: null },
      },
      groupName: 'Acme Corp', groupNumber: '55012', plan: { externalId: '4' }, planType: 'ppo', assignmentOfBenefits: true, releaseOfInformation: true,
    });
    expect((record.raw?.inssub as Record<string, unknown>).InsSubNum).toBe('7');
    expect(record.sourceUpdatedAt).toBe('2025-04-02 09:30:00');
  });

  it('gives the same data from database rows and from REST API JSON', () => {
    expect((mapCoverage(API_ROWS) as CanonicalRecord<'coverages'>).data).toEqual((mapCoverage(DB_ROWS) as CanonicalRecord<'coverages'>).data);
  });

  it('decodes every relationship, numeric or text, including the API documentation spelling "InjuredPlantiff"', () => {
    expect(relationshipName(6)).toBe('InjuredPlaintiff');
    expect(relationshipName('InjuredPlantiff')).toBe('InjuredPlaintiff');
    expect(relationshipName('InjuredPlaintiff')).toBe('InjuredPlaintiff');
    const codes = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((r) => (mapCoverage({ ...DB_ROWS, patplan: { ...DB_ROWS.patplan, Relationship: r } }) as CanonicalRecord<'coverages'>).data.relationship);
    expect(codes).toEqual(['self', 'spouse', 'child', 'other', 'other', 'common', 'injured', 'common', 'other']);
  });

  it('PlanType "" is percentage; f and c are flat copay and capitation; IsMedical makes a medical coverage', () => {
    const plan = (values: Record<string, unknown>) => (mapCoverage({ ...DB_ROWS, insplan: { ...DB_ROWS.insplan, ...values } }) as CanonicalRecord<'coverages'>).data;
    expect(plan({ PlanType: '' }).planType).toBe('percentage');
    expect(plan({ PlanType: 'f' }).planType).toBe('flat_copay');
    expect(plan({ PlanType: 'c' }).planType).toBe('capitation');
    expect(plan({ IsMedical: 'true' }).type).toBe('medical');
  });

  it('a pending plan is a draft; DateTerm becomes period.end', () => {
    const record = mapCoverage({ ...DB_ROWS, patplan: { ...DB_ROWS.patplan, IsPending: 1 }, inssub: { ...DB_ROWS.inssub, DateTerm: '2025-06-30' } }) as CanonicalRecord<'coverages'>;
    expect(record.data.status).toBe('draft');
    expect(record.data.period).toEqual({ start: '2019-01-01', end: '2025-06-30' });
  });

  it('a broken chain is skipped with a reason naming the missing link', () => {
    expect(mapCoverage({ ...DB_ROWS, inssub: null })).toMatchObject({ externalId: '31', code: 'missing_subscription' });
    expect(mapCoverage({ ...DB_ROWS, insplan: undefined })).toMatchObject({ code: 'missing_plan' });
    expect(mapCoverage({ ...DB_ROWS, carrier: null })).toMatchObject({ code: 'missing_carrier' });
  });
});
