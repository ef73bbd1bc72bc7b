import { FhirException } from '../fhir.exception';
import { dateCondition, parseDateParam, parseReference, splitOr } from './values';

describe('parseDateParam', () => {
  it('turns each precision into its half-open range', () => {
    expect(parseDateParam('birthdate', '1980', false)).toEqual({ prefix: 'eq', lo: '1980-01-01', hi: '1981-01-01' });
    expect(parseDateParam('birthdate', 'ge1980-12', false)).toEqual({ prefix: 'ge', lo: '1980-12-01', hi: '1981-01-01' });
    expect(parseDateParam('birthdate', 'lt2024-02-29', false)).toEqual({ prefix: 'lt', lo: '2024-02-29', hi: '2024-03-01' });
    expect(parseDateParam('date', '2026-12-01', true)).toEqual({ prefix: 'eq', lo: '2026-12-01T00:00:00.000Z', hi: '2026-12-02T00:00:00.000Z' });
    expect(parseDateParam('date', 'gt2026-12-01T10:00:00+02:00', true)).toEqual({ prefix: 'gt', lo: '2026-12-01T08:00:00.000Z', hi: '2026-12-01T08:00:01.000Z' });
    expect(parseDateParam('date', 'le2026-12-01T10:00', true).hi).toBe('2026-12-01T10:01:00.000Z');
  });

  it('refuses impossible dates, unknown prefixes and times on a date, naming the parameter', () => {
    for (const [raw, instants] of [['2023-02-29', false], ['1980-13', false], ['xx1980', false], ['sa1980', false], ['ne1980', false],
      ['1980-01-01T10:00:00Z', false], ['2026-12-01T25:00Z', true], ['12/01/2026', true], ['', true]] as const) {
      expect(() => parseDateParam('birthdate', raw, instants)).toThrow(FhirException);
      expect(() => parseDateParam('birthdate', raw, instants)).toThrow(/"birthdate"/);
    }
  });
});

describe('dateCondition', () => {
  it('maps prefixes to bounds on the range', () => {
    const range = parseDateParam('birthdate', '1980', false);
    const params: unknown[] = [];
    expect(dateCondition('x', { ...range, prefix: 'gt' }, params, '')).toBe('x >= $1');
    expect(dateCondition('x', { ...range, prefix: 'le' }, params, '')).toBe('x < $2');
    expect(params).toEqual(['1981-01-01', '1981-01-01']);
  });
});

describe('parseReference and splitOr', () => {
  const id = '0b6f3f0e-1c1a-4d8e-9a43-7b2f0d1c9e11';
  it('accepts id, Type/id and absolute references of the right type only', () => {
    expect(parseReference('patient', id, 'Patient')).toBe(id);
    expect(parseReference('patient', `Patient/${id}`, 'Patient')).toBe(id);
    expect(parseReference('patient', `http://h/fhir/R4/Patient/${id.toUpperCase()}`, 'Patient')).toBe(id);
    expect(() => parseReference('patient', `Practitioner/${id}`, 'Patient')).toThrow(/"patient"/);
    expect(() => parseReference('patient', 'Patient/12', 'Patient')).toThrow(/"patient"/);
  });
  it('splits on unescaped commas', () => {
    expect(splitOr('a,b\\,c,,d')).toEqual(['a', 'b,c', 'd']);
  });
});
