import type { Patient } from '../../canonical';
import { disagreements, PersonSource } from './cross-source-compare';
import { decideCrossSource } from './cross-source-policy';

const src = (recordId: string, integrationId: string, data: Partial<Patient>, at = '2026-12-01T10:00:00.000Z'): PersonSource => ({ recordId, integrationId, data, at });
const phone = (value: string) => ({ system: 'phone' as const, value, use: 'home' as const, rank: 1 });

describe('cross-source comparison', () => {
  it('compares normalised values: one phone in two spellings agrees, another number disagrees', () => {
    const same = disagreements([src('a', 'od', { telecom: [phone('(503) 555-0199')] }), src('b', 'nex', { telecom: [phone('503.555.0199')] })]);
    expect(same).toEqual([]);
    const other = disagreements([src('a', 'od', { telecom: [phone('(503) 555-0199')] }), src('b', 'nex', { telecom: [phone('503.555.0142')] }, '2026-12-02T10:00:00.000Z')]);
    expect(other.map((d) => d.field)).toEqual(['telecom']);
    expect(other[0].sources.map((s) => s.recordId)).toEqual(['b', 'a']);
  });

  it('a missing value or a source knowing fewer phones is no disagreement; birth date, gender and names are', () => {
    expect(disagreements([src('a', 'od', { telecom: [phone('5035550199'), phone('5035550100')], birthDate: '1970-05-06' }), src('b', 'nex', { telecom: [phone('503-555-0199')] })])).toEqual([]);
    const d = disagreements([
      src('a', 'od', { birthDate: '1970-05-06', gender: 'male', names: [{ use: 'official', family: 'Smith', given: ['William'] }] as Patient['names'] }),
      src('b', 'nex', { birthDate: '1970-06-05', gender: 'female', names: [{ use: 'official', family: 'SMITH', given: ['william'] }] as Patient['names'] }),
    ]);
    expect(d.map((x) => x.field)).toEqual(['birthDate', 'gender']);
  });

  it('never compares two records of one integration', () => {
    expect(disagreements([src('a', 'od', { birthDate: '1970-05-06' }), src('b', 'od', { birthDate: '1980-01-01' })])).toEqual([]);
  });

  it('the signature changes only when a normalised value changes', () => {
    const one = disagreements([src('a', 'od', { telecom: [phone('(503) 555-0199')] }), src('b', 'nex', { telecom: [phone('5035550142')] })])[0];
    const respelled = disagreements([src('a', 'od', { telecom: [phone('503 555 0199')] }), src('b', 'nex', { telecom: [phone('503-555-0142')] })])[0];
    const moved = disagreements([src('a', 'od', { telecom: [phone('(503) 555-0177')] }), src('b', 'nex', { telecom: [phone('5035550142')] })])[0];
    expect(respelled.signature).toBe(one.signature);
    expect(moved.signature).not.toBe(one.signature);
  });
});

describe('decideCrossSource', () => {
  const sources = [
    { recordId: 'b', integrationId: 'nex', value: 1, at: '2026-12-02T10:00:00.000Z' },
    { recordId: 'a', integrationId: 'od', value: 2, at: '2026-12-01T10:00:00.000Z' },
  ];
  it('source_priority picks the first listed source of the conflict, skipping local and absent ones', () => {
    expect(decideCrossSource(sources, { resourceType: 'patients', field: 'telecom', strategy: 'source_priority', sourcePriority: ['local', 'epic', 'od', 'nex'] }))
      .toEqual({ strategy: 'source_priority', resolution: 'use_remote', integrationId: 'od' });
    expect(decideCrossSource(sources, { resourceType: 'patients', field: '*', strategy: 'source_priority', sourcePriority: ['epic'] }).resolution).toBeNull();
  });
  it('last_write_wins takes the latest source; ignore closes; manual, field_merge and no rule leave it open', () => {
    expect(decideCrossSource(sources, { resourceType: 'patients', field: '*', strategy: 'last_write_wins' })).toMatchObject({ resolution: 'use_remote', integrationId: 'nex' });
    expect(decideCrossSource(sources, { resourceType: 'patients', field: '*', strategy: 'ignore' }).resolution).toBe('ignore');
    expect(decideCrossSource(sources, { resourceType: 'patients', field: '*', strategy: 'field_merge' }).resolution).toBeNull();
    expect(decideCrossSource(sources, null)).toMatchObject({ strategy: 'manual', resolution: null });
  });
});
