/**
 * Fellegi-Sunter parameters (Fellegi & Sunter, "A Theory for Record Linkage", JASA 1969): for each
 * field and comparison level, `m` = P(level | same person) and `u` = P(level | different people).
 * A level's weight is log2(m / u); a pair's score is the sum over fields, a missing field adds 0.
 *
 * The values are set by hand from what each level means (how often two records of one person
 * disagree on a field, how often strangers share a name, a birth date or a household phone),
 * not fitted to the benchmark's generator; docs/persons.md gives the weights and
 * docs/benchmarks.md the figures they give.
 */
export const FIELD_LEVELS = {
  firstName: ['exact', 'nickname', 'typo', 'phonetic', 'initial', 'disagree'],
  familyName: ['exact', 'typo', 'phonetic', 'disagree'],
  birthDate: ['exact', 'day_month_swap', 'one_part', 'disagree'],
  gender: ['agree', 'disagree'],
  phone: ['agree', 'disagree'],
  email: ['agree', 'typo', 'disagree'],
  address: ['agree', 'postal_code', 'disagree'],
  ssnLast4: ['agree', 'disagree'],
} as const;

export type MatchField = keyof typeof FIELD_LEVELS;
export type FieldLevel<F extends MatchField = MatchField> = (typeof FIELD_LEVELS)[F][number] | 'missing';

type Probabilities = { [F in MatchField]: { [L in (typeof FIELD_LEVELS)[F][number]]: { m: number; u: number } } };

export const PROBABILITIES: Probabilities = {
  // u: about 1 pair in 100 shares a first name; nicknames and typos are rarer by chance.
  firstName: {
    exact: { m: 0.86, u: 0.01 },
    nickname: { m: 0.06, u: 0.002 },
    typo: { m: 0.05, u: 0.004 },
    phonetic: { m: 0.01, u: 0.005 },
    initial: { m: 0.005, u: 0.03 },
    disagree: { m: 0.015, u: 0.949 },
  },
  // Family names change on marriage (m of disagree 0.04).
  familyName: {
    exact: { m: 0.88, u: 0.005 },
    typo: { m: 0.06, u: 0.004 },
    phonetic: { m: 0.02, u: 0.006 },
    disagree: { m: 0.04, u: 0.985 },
  },
  // u of an exact date: 1 in ~30,000 days across the ages of a practice's patients.
  birthDate: {
    exact: { m: 0.96, u: 0.00004 },
    day_month_swap: { m: 0.015, u: 0.00004 },
    one_part: { m: 0.02, u: 0.004 },
    disagree: { m: 0.005, u: 0.99592 },
  },
  gender: {
    agree: { m: 0.98, u: 0.5 },
    disagree: { m: 0.02, u: 0.5 },
  },
  // Phones change and are shared in households: agreement is strong, disagreement weak.
  phone: {
    agree: { m: 0.75, u: 0.001 },
    disagree: { m: 0.25, u: 0.999 },
  },
  email: {
    agree: { m: 0.7, u: 0.0002 },
    typo: { m: 0.05, u: 0.0005 },
    disagree: { m: 0.25, u: 0.9993 },
  },
  address: {
    agree: { m: 0.75, u: 0.002 },
    postal_code: { m: 0.1, u: 0.02 },
    disagree: { m: 0.15, u: 0.978 },
  },
  ssnLast4: {
    agree: { m: 0.97, u: 0.0001 },
    disagree: { m: 0.03, u: 0.9999 },
  },
};

/** log2(m/u) per field and level, computed once; `missing` weighs 0 (a field one side lacks says nothing). */
const WEIGHTS = Object.fromEntries(Object.entries(PROBABILITIES).map(([field, levels]) => [
  field,
  { missing: 0, ...Object.fromEntries(Object.entries(levels as Record<string, { m: number; u: number }>).map(([l, p]) => [l, Math.round(Math.log2(p.m / p.u) * 100) / 100])) },
])) as unknown as Record<MatchField, Record<string, number>>;

/** log2(m/u) of a field's level, in bits rounded to 0.01; 0 for `missing`. */
export function levelWeight<F extends MatchField>(field: F, level: FieldLevel<F>): number {
  return WEIGHTS[field][level];
}

/**
 * Score thresholds (sums of weights, in bits). With about 1 true pair among 10^5 candidate pairs
 * (prior log2 odds ≈ -17), 22 bits give posterior odds of about 2^5 = 32:1 before the guards below,
 * and 12 bits are where a match becomes worth a human look.
 */
export const THRESHOLDS = { autoLink: 22, review: 12 } as const;
