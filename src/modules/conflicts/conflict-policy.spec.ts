import { ConflictFacts, ConflictRule, decide, ruleFor } from './conflict-policy';
import { threeWayMerge } from './three-way-merge';

const phone = (value: string) => ({ system: 'phone', value, use: 'mobile', rank: 1 });
const email = (value: string) => ({ system: 'email', value, use: 'home', rank: null });
const facts = (over: Partial<ConflictFacts> = {}): ConflictFacts => ({
  resourceType: 'patients', field: 'preferredName', integrationId: 'int-a', base: 'Liz', local: 'Beth', remote: 'Eliza',
  localAt: new Date('2026-12-01T10:00:00Z'), remoteAt: new Date('2026-12-01T11:00:00Z'), ...over,
});

describe('threeWayMerge', () => {
  it('takes the side that changed, key by key and item by item', () => {
    const base = [phone('1'), email('a@x.org')];
    expect(threeWayMerge(base, [phone('2'), email('a@x.org')], [phone('1'), email('b@x.org')])).toEqual({ ok: true, value: [phone('2'), email('b@x.org')] });
    expect(threeWayMerge({ city: 'A', state: 'OR' }, { city: 'B', state: 'OR' }, { city: 'A', state: 'WA' })).toEqual({ ok: true, value: { city: 'B', state: 'WA' } });
    expect(threeWayMerge('x', 'x', 'y')).toEqual({ ok: true, value: 'y' });
    expect(threeWayMerge('x', 'y', 'y')).toEqual({ ok: true, value: 'y' });
  });

  it('names the overlaps where both sides changed the same part differently', () => {
    expect(threeWayMerge([phone('1')], [phone('2')], [phone('3')])).toEqual({ ok: false, overlaps: ['[0].value'] });
    expect(threeWayMerge('Liz', 'Beth', 'Eliza')).toEqual({ ok: false, overlaps: ['$'] });
    // Both sides changed the list's length: no item-by-item merge.
    expect(threeWayMerge([phone('1')], [phone('1'), email('a')], [])).toEqual({ ok: false, overlaps: ['$'] });
  });
});

describe('ruleFor and decide', () => {
  const rules: ConflictRule[] = [
    { resourceType: 'patients', field: '*', strategy: 'ignore' },
    { resourceType: 'patients', field: 'preferredName', strategy: 'last_write_wins' },
    { resourceType: 'patients', field: 'preferredName', strategy: 'manual' },
  ];

  it('prefers the rule naming the field over *, and the first of equals', () => {
    expect(ruleFor(rules, 'patients', 'preferredName')?.strategy).toBe('last_write_wins');
    expect(ruleFor(rules, 'patients', 'telecom')?.strategy).toBe('ignore');
    expect(ruleFor(rules, 'appointments', 'comment')).toBeNull();
  });

  it('last_write_wins takes the later side; a tie keeps local', () => {
    const rule: ConflictRule = { resourceType: 'patients', field: '*', strategy: 'last_write_wins' };
    expect(decide(facts(), rule)).toEqual({ strategy: 'last_write_wins', resolution: 'use_remote' });
    expect(decide(facts({ localAt: new Date('2026-12-01T12:00:00Z') }), rule)).toEqual({ strategy: 'last_write_wins', resolution: 'use_local' });
    expect(decide(facts({ localAt: new Date('2026-12-01T11:00:00Z') }), rule).resolution).toBe('use_local');
  });

  it('source_priority follows the order, with local as a source of its own', () => {
    const rule = (sourcePriority: string[]): ConflictRule => ({ resourceType: 'patients', field: '*', strategy: 'source_priority', sourcePriority });
    expect(decide(facts(), rule(['int-a', 'local'])).resolution).toBe('use_remote');
    expect(decide(facts(), rule(['local', 'int-a'])).resolution).toBe('use_local');
    expect(decide(facts(), rule(['int-a'])).resolution).toBe('use_remote');
    expect(decide(facts(), rule(['int-b'])).resolution).toBeNull();
  });

  it('field_merge merges what does not overlap and leaves true overlaps open; manual and no rule leave it open; ignore ignores', () => {
    const rule: ConflictRule = { resourceType: 'patients', field: '*', strategy: 'field_merge' };
    const merged = decide(facts({ field: 'telecom', base: [phone('1'), email('a')], local: [phone('2'), email('a')], remote: [phone('1'), email('b')] }), rule);
    expect(merged).toEqual({ strategy: 'field_merge', resolution: 'merge', value: [phone('2'), email('b')] });
    expect(decide(facts(), rule)).toMatchObject({ strategy: 'field_merge', resolution: null, why: 'both changed $' });
    expect(decide(facts(), null)).toMatchObject({ strategy: 'manual', resolution: null });
    expect(decide(facts(), { resourceType: 'patients', field: '*', strategy: 'ignore' })).toEqual({ strategy: 'ignore', resolution: 'ignore' });
  });
});
