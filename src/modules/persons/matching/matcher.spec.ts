import { assignAutoLinks, blockingKeys, comparePair, matchFeatures, MatchablePatient, normalizeAddressLine, normalizeName, normalizePhone, scoreCandidates, THRESHOLDS } from '.';

/** A canonical patient's matchable fields, official name first. */
function patient(first: string, family: string, birthDate: string | null, extra: Partial<MatchablePatient> & { phone?: string; email?: string; line?: string; postal?: string } = {}): MatchablePatient {
  const { phone, email, line, postal, ...rest } = extra;
  return {
    names: [{ use: 'official', family, given: [first], prefix: [], suffix: [], text: null }],
    telecom: [
      ...(phone ? [{ system: 'phone' as const, value: phone, use: null, rank: 1 }] : []),
      ...(email ? [{ system: 'email' as const, value: email, use: null, rank: null }] : []),
    ],
    addresses: line || postal ? [{ use: null, line: line ? [line] : [], city: null, state: null, postalCode: postal ?? null, country: null }] : [],
    birthDate, gender: 'male', ssnLast4: null, ...rest,
  };
}
const score = (a: MatchablePatient, b: MatchablePatient) => comparePair(matchFeatures('a', a), matchFeatures('b', b));

describe('normalisation', () => {
  it('folds case, diacritics and punctuation out of names', () => {
    expect(normalizeName(" O'Brien-Zoë ")).toBe('obrienzoe');
    expect(normalizeName('---')).toBeNull();
  });
  it('writes phones as E.164 whatever the punctuation, and drops impossible ones', () => {
    expect(normalizePhone('503.555.0101')).toBe('+15035550101');
    expect(normalizePhone('(503) 555-0101')).toBe('+15035550101');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('12')).toBeNull();
  });
  it('abbreviates street types so "Street" and "St." agree', () => {
    expect(normalizeAddressLine(['12 North Main Street, #4'])).toBe('12 n main st apt 4');
    expect(normalizeAddressLine(['12 N. Main St', 'Apt 4'])).toBe('12 n main st apt 4');
  });
  it('reads e-mails in lower case and knows nicknames', () => {
    const f = matchFeatures('x', patient('Bill', 'Smith', '1970-01-02', { email: ' Bill@Example.COM ' }));
    expect(f.emails).toEqual(['bill@example.com']);
    expect(f.firstGroups.has('william')).toBe(true);
  });
});

describe('comparePair', () => {
  it('links Bill and William Smith with the same birth date and phone', () => {
    const s = score(patient('Bill', 'Smith', '1970-05-06', { phone: '503.555.0101' }), patient('William', 'Smith', '1970-05-06', { phone: '(503) 555-0101' }));
    expect(s.fields.firstName.level).toBe('nickname');
    expect(s.fields.phone.level).toBe('agree');
    expect(s.decision).toBe('auto_link');
  });

  it('does not auto-link twins: same birth date, address and phone, other first name', () => {
    const home = { phone: '5035550101', line: '12 Main St', postal: '97201' };
    const s = score(patient('Ethan', 'Miller', '2010-03-04', home), patient('Noah', 'Miller', '2010-03-04', home));
    expect(s.score).toBeGreaterThanOrEqual(THRESHOLDS.autoLink); // the evidence alone would link them
    expect(s.decision).toBe('review');
    expect(s.guard).toBe('twins');
  });

  it('links through typos in both names', () => {
    const s = score(patient('Katherine', 'Johnson', '1984-11-20', { postal: '97201' }), patient('Katharine', 'Jonhson', '1984-11-20', { postal: '97201' }));
    expect(s.fields.firstName.level).toBe('typo');
    expect(s.fields.familyName.level).toBe('typo');
    expect(s.decision).toBe('auto_link');
  });

  it('treats a day/month swap of the birth date as a partial agreement', () => {
    const s = score(patient('Maria', 'Garcia', '1990-03-07', { phone: '5035550199' }), patient('Maria', 'Garcia', '1990-07-03', { phone: '5035550199' }));
    expect(s.fields.birthDate.level).toBe('day_month_swap');
    expect(s.fields.birthDate.weight).toBeGreaterThan(0);
    expect(s.fields.birthDate.weight).toBeLessThan(score(patient('M', 'G', '1990-03-07'), patient('M', 'G', '1990-03-07')).fields.birthDate.weight);
    expect(s.decision).toBe('auto_link');
  });

  it('keeps a parent and child of the same name and home apart (different birth dates)', () => {
    const home = { phone: '5035550101', line: '12 Main St', postal: '97201' };
    const s = score(patient('James', 'Lee', '1960-01-01', home), patient('James', 'Lee', '1992-08-15', home));
    expect(s.decision).not.toBe('auto_link');
  });

  it('scores missing fields as 0 and different people below review', () => {
    const s = score(patient('Ann', 'Wu', '1950-02-02'), patient('Zed', 'Brown', '1950-02-02'));
    expect(s.fields.phone).toEqual({ level: 'missing', weight: 0 });
    expect(s.decision).toBe('no_match');
  });
});

describe('blocking and assignment', () => {
  it('pairs a swapped birth date through the family-name key and assigns one link per record', () => {
    const left = [matchFeatures('l1', patient('Robert', 'Stone', '1975-02-09', { email: 'rs@example.com' })), matchFeatures('l2', patient('Alice', 'Hart', '1975-02-09'))];
    const right = [matchFeatures('r1', patient('Bob', 'Stone', '1975-09-02', { email: 'rs@example.com' }))];
    expect(blockingKeys(left[0]).some((k) => blockingKeys(right[0]).includes(k))).toBe(true);
    const pairs = scoreCandidates(left, right, THRESHOLDS.review);
    expect(pairs.map((p) => [p.left, p.right])).toEqual([['l1', 'r1']]);
    expect(assignAutoLinks(pairs).map((p) => p.left)).toEqual(['l1']);
  });
});
