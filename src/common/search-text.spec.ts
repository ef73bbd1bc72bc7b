import { normalizeSearchText } from './search-text';

describe('normalizeSearchText', () => {
  it('drops accents, apostrophes and case so plain typing finds the name', () => {
    expect(normalizeSearchText("Zoë", "O'Brien")).toBe('zoe obrien');
    expect(normalizeSearchText('José', 'Nguyễn')).toBe('jose nguyen');
    expect(normalizeSearchText('Mary-Jane', null, '  Smith ')).toBe('maryjane smith');
  });

  it('keeps the literal name NULL searchable and gives null for nothing', () => {
    expect(normalizeSearchText('NULL')).toBe('null');
    expect(normalizeSearchText(null, undefined, '')).toBeNull();
  });
});
