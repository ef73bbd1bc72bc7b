import { goldenRecord, SourceRecord } from './golden-record';
import { LinkSubject, planLinks } from './link-plan';
import { matchFeatures, MatchablePatient } from './matching';

const patient = (first: string, birthDate: string, phone = '5035550101'): MatchablePatient => ({
  names: [{ use: 'official', family: 'Smith', given: [first], prefix: [], suffix: [], text: null }],
  telecom: [{ system: 'phone', value: phone, use: null, rank: 1 }], addresses: [], birthDate, gender: 'male', ssnLast4: null,
});
const subject = (id: string, p: MatchablePatient, over: Partial<LinkSubject> = {}): LinkSubject => ({
  features: matchFeatures(id, p), integrationId: 'i1', personId: null, method: null, exactRootId: null, ...over,
});

describe('planLinks', () => {
  const william = subject('a', patient('William', '1970-05-06'), { integrationId: 'i0', personId: 'P1' });

  it('joins the person of an auto-linking candidate, or makes a new one', () => {
    const plan = planLinks([subject('b', patient('Bill', '1970-05-06')), subject('c', patient('Zoe', '1999-01-01', '5035559999'))], [william], new Set(), new Map([['P1', 1]]), new Map());
    expect(plan.links.find((l) => l.recordId === 'b')).toMatchObject({ personId: 'P1', explanation: { method: 'score', matchedRecordId: 'a' } });
    const c = plan.links.find((l) => l.recordId === 'c')!;
    expect(plan.newPersons).toEqual([c.personId]);
  });

  it('never links a pair decided non_match, never moves a manual link, and one record of an integration per person', () => {
    const nonMatch = planLinks([subject('b', patient('Bill', '1970-05-06'))], [william], new Set(['a|b']), new Map([['P1', 1]]), new Map());
    expect(nonMatch.links[0].personId).not.toBe('P1');
    const manual = planLinks([subject('b', patient('Bill', '1970-05-06'), { personId: 'P2', method: 'manual' })], [william], new Set(), new Map([['P1', 1], ['P2', 1]]), new Map());
    expect(manual.links).toEqual([]);
    const taken = planLinks([subject('b', patient('Bill', '1970-05-06'))], [william], new Set(), new Map([['P1', 2]]), new Map([['P1', 'other-record']]));
    expect(taken.links[0].personId).not.toBe('P1');
    expect(taken.review).toEqual([expect.objectContaining({ recordA: 'a', recordB: 'b' })]);
  });
});

describe('goldenRecord', () => {
  const rec = (id: string, vendor: string, at: string, over: Partial<SourceRecord['data']>): SourceRecord => ({
    recordId: id, integrationId: `int-${id}`, vendor, updatedAt: new Date(at),
    data: { birthDate: '1970-05-06', gender: 'male', telecom: [], addresses: [], names: [], ...over } as unknown as SourceRecord['data'],
  });

  it('takes each field from the most recently updated source that has it, and says why', () => {
    const fields = goldenRecord([
      rec('1', 'opendental-db', '2026-01-01T00:00:00Z', { displayName: 'William Smith', ssnLast4: '1234' }),
      rec('2', 'nexhealth', '2026-02-01T00:00:00Z', { displayName: 'Bill Smith', ssnLast4: null }),
    ]);
    expect(fields.displayName).toMatchObject({ value: 'Bill Smith', source: { recordId: '2' }, reason: 'most_recently_updated', alternatives: [{ value: 'William Smith' }] });
    expect(fields.ssnLast4).toMatchObject({ value: '1234', reason: 'only_source' });
    expect(fields.birthDate).toMatchObject({ reason: 'sources_agree', alternatives: [] });
    expect(fields.telecom).toBeUndefined();
  });

  it("follows a source_priority rule of the conflict policy over recency", () => {
    const records = [
      rec('1', 'opendental-db', '2026-01-01T00:00:00Z', { displayName: 'William Smith' }),
      rec('2', 'nexhealth', '2026-02-01T00:00:00Z', { displayName: 'Bill Smith' }),
    ];
    const fields = goldenRecord(records, [{ resourceType: 'patients', field: '*', strategy: 'source_priority', sourcePriority: ['int-1', 'local'] }]);
    expect(fields.displayName).toMatchObject({ value: 'William Smith', source: { recordId: '1' }, reason: 'source_priority' });
    expect(fields.birthDate).toMatchObject({ reason: 'sources_agree' });
    const other = goldenRecord(records, [{ resourceType: 'appointments', field: '*', strategy: 'source_priority', sourcePriority: ['int-1'] }]);
    expect(other.displayName).toMatchObject({ value: 'Bill Smith', reason: 'most_recently_updated' });
  });

  it('compares the cross-source fields normalised, and follows a resolved cross-source conflict\'s choice', () => {
    const phone = (value: string) => [{ system: 'phone', value, use: 'home', rank: 1 }];
    const records = [
      rec('1', 'opendental-db', '2026-01-01T00:00:00Z', { telecom: phone('(503) 555-0101') as never }),
      rec('2', 'nexhealth', '2026-02-01T00:00:00Z', { telecom: phone('503.555.0101') as never }),
    ];
    expect(goldenRecord(records).telecom).toMatchObject({ reason: 'sources_agree', alternatives: [], conflictId: null });
    records[0].data.telecom = phone('(503) 555-0199') as never;
    const choices = new Map([['telecom', { conflictId: 'c-1', integrationId: 'int-1', strategy: 'manual' }]]);
    expect(goldenRecord(records, [], choices).telecom).toMatchObject({ source: { recordId: '1' }, reason: 'conflict_resolution', conflictId: 'c-1' });
    const byPolicy = new Map([['telecom', { conflictId: 'c-2', integrationId: 'int-1', strategy: 'last_write_wins' }]]);
    expect(goldenRecord(records, [], byPolicy).telecom).toMatchObject({ source: { recordId: '1' }, reason: 'most_recently_updated', conflictId: 'c-2' });
  });
});

