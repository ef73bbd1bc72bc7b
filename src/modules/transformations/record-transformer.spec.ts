import { CanonicalRecord, Patient } from '../../canonical';
import { compileExpression, ExpressionError } from './expression';
import { RecordTransformer, ResourceRule } from './record-transformer';
import { compileRule, RuleParamError } from './transformation-rule';

function patient(externalId: string, phone: string, over: Partial<Patient> = {}): CanonicalRecord<'patients'> {
  return {
    externalId,
    data: {
      names: [{ use: 'official', family: ' smith ', given: ['bill'], prefix: [], suffix: [], text: null }],
      preferredName: null, displayName: 'bill smith', birthDate: '1980-01-02', gender: 'male', status: 'active', sourceStatus: 'Patient',
      telecom: [
        { system: 'phone', value: phone, use: 'home', rank: 1 },
        { system: 'email', value: 'b@example.test', use: null, rank: null },
      ],
      addresses: [], identifiers: [], ssnLast4: null, deceased: false, deceasedDateTime: null, maritalStatus: null, language: 'en',
      primaryProvider: null, primaryLocation: null, guarantor: null, firstVisitDate: null, ...over,
    },
  };
}

let n = 0;
const rule = (r: Omit<ResourceRule, 'id' | 'order' | 'resourceType'> & Partial<ResourceRule>): ResourceRule => ({ id: `r${++n}`, order: n, resourceType: 'patients', ...r });

describe('RecordTransformer', () => {
  it('phone_e164 turns 503.555.0101 into +15035550101 and leaves e-mail alone', async () => {
    const t = new RecordTransformer([rule({ field: 'telecom.value', type: 'phone_e164', params: { defaultRegion: 'US' } })]);
    const { records, failed } = await t.transform('patients', [patient('1', '503.555.0101'), patient('2', '(503) 555-0102')]);
    expect(failed).toEqual([]);
    expect(records.map((r) => (r.data as Patient).telecom.map((c) => c.value))).toEqual([
      ['+15035550101', 'b@example.test'], ['+15035550102', 'b@example.test'],
    ]);
  });

  it('applies trim, case, value_map, default, regex_replace, date_format and expression in order', async () => {
    const t = new RecordTransformer([
      rule({ field: 'names.family', type: 'trim', params: {} }),
      rule({ field: 'names.family', type: 'case', params: { mode: 'title' } }),
      rule({ field: 'language', type: 'value_map', params: { map: { en: 'English' } } }),
      rule({ field: 'preferredName', type: 'default', params: { value: 'n/a' } }),
      rule({ field: 'sourceStatus', type: 'regex_replace', params: { pattern: '^Pat', replacement: 'P' } }),
      rule({ field: 'firstVisitDate', type: 'default', params: { value: '03/04/2020' } }),
      rule({ field: 'firstVisitDate', type: 'date_format', params: { from: 'MM/dd/yyyy' } }),
      rule({ field: 'displayName', type: 'expression', params: { expression: '$uppercase($) & " (" & $record.birthDate & ")"' } }),
    ]);
    const { records, failed } = await t.transform('patients', [patient('1', '503.555.0101')]);
    expect(failed).toEqual([]);
    const data = records[0].data as Patient;
    expect(data.names[0].family).toBe('Smith');
    expect(data.language).toBe('English');
    expect(data.preferredName).toBe('n/a');
    expect(data.sourceStatus).toBe('Pient');
    expect(data.firstVisitDate).toBe('2020-03-04');
    expect(data.displayName).toBe('BILL SMITH (1980-01-02)');
  });

  it('fails only the record a rule cannot transform, without quoting its value', async () => {
    const t = new RecordTransformer([rule({ id: 'bad-phone', field: 'telecom.value', type: 'phone_e164', params: { defaultRegion: 'US' } })]);
    const { records, failed } = await t.transform('patients', [patient('1', '503.555.0101'), patient('2', 'not a phone 12'), patient('3', '5035550103')]);
    expect(records.map((r) => r.externalId)).toEqual(['1', '3']);
    expect(failed).toEqual([{ externalId: '2', code: 'transformation_failed', message: expect.stringContaining('Rule bad-phone (phone_e164 on telecom.value) failed') }]);
    expect(failed[0].message).not.toContain('not a phone');
  });

  it('fails a record whose transformed data is no longer canonical', async () => {
    const t = new RecordTransformer([rule({ field: 'gender', type: 'value_map', params: { map: { male: 'M' } } })]);
    const { records, failed } = await t.transform('patients', [patient('1', '5035550101')]);
    expect(records).toEqual([]);
    expect(failed[0].message).toContain('data.gender');
  });

  it('stops an expression that runs past its time or depth budget', async () => {
    const loop = compileExpression('($f := function($x) { $f($x + 1) }; $f(0))');
    await expect(loop.evaluate(1, {})).rejects.toThrow(ExpressionError);
    const huge = compileExpression('$sum([1..9000000])');
    await expect(huge.evaluate(1, {})).rejects.toThrow(/sequence budget/);
    // Tail calls keep the stack flat: 10^8 steps can only end on the time budget.
    const spin = compileExpression('($f := function($x) { $x > 0 ? $f($x - 1) : 0 }; $f(100000000))', { timeMs: 1, maxDepth: 10_000, maxSequence: 10_000, maxResultChars: 100 });
    await expect(spin.evaluate(1, {})).rejects.toThrow(/budget/);
    const big = compileExpression('$pad("", 1000, "x")', { timeMs: 50, maxDepth: 200, maxSequence: 10_000, maxResultChars: 100 });
    await expect(big.evaluate(1, {})).rejects.toThrow(/size budget/);
  });

  it('is empty without rules and passes records through untouched', async () => {
    const t = new RecordTransformer([]);
    const input = [patient('1', '503.555.0101')];
    expect(t.isEmpty).toBe(true);
    expect((await t.transform('patients', input)).records).toBe(input);
  });
});

describe('compileRule validation', () => {
  it.each([
    [{ type: 'case', params: { mode: 'shout' } }, 'params.mode'],
    [{ type: 'phone_e164', params: { defaultRegion: 'ZZ' } }, 'params.defaultRegion'],
    [{ type: 'regex_replace', params: { pattern: '([a-' } }, 'params.pattern'],
    [{ type: 'expression', params: { expression: '$uppercase(' } }, 'params.expression'],
    [{ type: 'date_format', params: { from: 'yyyy/MM' } }, 'params.from'],
    [{ type: 'value_map', params: { map: [] } }, 'params.map'],
    [{ type: 'default', params: {} }, 'params.value'],
    [{ type: 'nope', params: {} }, 'type'],
  ])('%j names %s', (spec, param) => {
    expect(() => compileRule({ field: 'language', ...(spec as { type: 'trim'; params: Record<string, unknown> }) })).toThrow(expect.objectContaining({ param }));
    expect(() => compileRule({ field: 'language', ...(spec as { type: 'trim'; params: Record<string, unknown> }) })).toThrow(RuleParamError);
  });

  it('rejects a field the canonical type does not have', () => {
    expect(() => new RecordTransformer([rule({ field: 'telecom.number', type: 'trim', params: {} })])).toThrow(expect.objectContaining({ param: 'field' }));
  });
});
