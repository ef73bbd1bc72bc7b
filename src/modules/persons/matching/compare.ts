import { jaroWinkler } from '@skyra/jaro-winkler';
import type { MatchFeatures } from './normalize';
import { FIELD_LEVELS, FieldLevel, levelWeight, MatchField, THRESHOLDS } from './weights';

/** One field's comparison: its level and the log2(m/u) weight that level carries. */
export interface FieldScore {
  level: FieldLevel;
  weight: number;
}

export type MatchDecision = 'auto_link' | 'review' | 'no_match';

/**
 * A scored pair: `score` is the sum of the field weights (bits); `decision` applies the thresholds
 * and the guards, and `guard` names the guard that held an auto-link back to review.
 */
export interface PairScore {
  score: number;
  fields: Record<MatchField, FieldScore>;
  decision: MatchDecision;
  guard: 'twins' | 'birth_date' | 'ssn' | null;
}

/** Jaro-Winkler similarity at or above which two names (or e-mails) count as a typo of each other. */
const NAME_TYPO_SIMILARITY = 0.9;
const EMAIL_TYPO_SIMILARITY = 0.95;

const FIELDS = Object.keys(FIELD_LEVELS) as MatchField[];
const WEAK_FIRST = new Set(['disagree', 'initial', 'phonetic']);

const share = (a: readonly string[], b: readonly string[]) => a.some((x) => b.includes(x));
const shareSet = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));

function firstNameLevel(a: MatchFeatures, b: MatchFeatures): FieldLevel<'firstName'> {
  if (!a.first || !b.first) return 'missing';
  if (a.first === b.first) return 'exact';
  if (shareSet(a.firstGroups, b.firstGroups)) return 'nickname';
  if (jaroWinkler(a.first, b.first) >= NAME_TYPO_SIMILARITY) return 'typo';
  if (share(a.firstPhonetic, b.firstPhonetic)) return 'phonetic';
  if ((a.first.length === 1 || b.first.length === 1) && a.first[0] === b.first[0]) return 'initial';
  return 'disagree';
}

function familyNameLevel(a: MatchFeatures, b: MatchFeatures): FieldLevel<'familyName'> {
  if (!a.family || !b.family) return 'missing';
  if (a.family === b.family) return 'exact';
  if (jaroWinkler(a.family, b.family) >= NAME_TYPO_SIMILARITY) return 'typo';
  if (share(a.familyPhonetic, b.familyPhonetic)) return 'phonetic';
  return 'disagree';
}

/** `exact`; `day_month_swap` (1980-03-04 vs 1980-04-03); `one_part` (one of year, month, day differs); `disagree`. */
export function birthDateLevel(a: string | null, b: string | null): FieldLevel<'birthDate'> {
  if (!a || !b) return 'missing';
  if (a === b) return 'exact';
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 'day_month_swap';
  const same = Number(ya === yb) + Number(ma === mb) + Number(da === db);
  return same === 2 ? 'one_part' : 'disagree';
}

function emailLevel(a: MatchFeatures, b: MatchFeatures): FieldLevel<'email'> {
  if (!a.emails.length || !b.emails.length) return 'missing';
  if (share(a.emails, b.emails)) return 'agree';
  return a.emails.some((x) => b.emails.some((y) => jaroWinkler(x, y) >= EMAIL_TYPO_SIMILARITY)) ? 'typo' : 'disagree';
}

function addressLevel(a: MatchFeatures, b: MatchFeatures): FieldLevel<'address'> {
  if (!a.postalCodes.length || !b.postalCodes.length) return 'missing';
  if (share(a.addresses, b.addresses)) return 'agree';
  return share(a.postalCodes, b.postalCodes) ? 'postal_code' : 'disagree';
}

const simple = (a: string | null, b: string | null) => (!a || !b ? 'missing' : a === b ? 'agree' : 'disagree');
const anyShared = (a: readonly string[], b: readonly string[]) => (!a.length || !b.length ? 'missing' : share(a, b) ? 'agree' : 'disagree');

/**
 * Compares two patients field by field and decides. Guards keep a high score from auto-linking
 * (it goes to review instead) when the evidence says two people:
 * - `twins`: same birth date but first names that are neither equal, nicknames nor typos of each
 *   other (twins share family name, birth date, address and phone);
 * - `birth_date`: birth dates that differ in more than one part (a parent and a child named alike);
 * - `ssn`: different SSN last four digits.
 */
export function comparePair(a: MatchFeatures, b: MatchFeatures): PairScore {
  const levels: { [F in MatchField]: FieldLevel<F> } = {
    firstName: firstNameLevel(a, b),
    familyName: familyNameLevel(a, b),
    birthDate: birthDateLevel(a.birthDate, b.birthDate),
    gender: simple(a.gender, b.gender),
    phone: anyShared(a.phones, b.phones),
    email: emailLevel(a, b),
    address: addressLevel(a, b),
    ssnLast4: simple(a.ssnLast4, b.ssnLast4),
  };
  let score = 0;
  const fields = {} as Record<MatchField, FieldScore>;
  for (const field of FIELDS) {
    const weight = levelWeight(field, levels[field]);
    fields[field] = { level: levels[field], weight };
    score += weight;
  }
  const weakFirst = WEAK_FIRST.has(levels.firstName);
  const guard = levels.birthDate === 'exact' && weakFirst ? 'twins'
    : levels.birthDate === 'disagree' ? 'birth_date'
    : levels.ssnLast4 === 'disagree' ? 'ssn' : null;
  score = Math.round(score * 100) / 100;
  let decision: MatchDecision = score >= THRESHOLDS.autoLink ? 'auto_link' : score >= THRESHOLDS.review ? 'review' : 'no_match';
  if (decision === 'auto_link' && guard) decision = 'review';
  return { score, fields, decision, guard: decision === 'review' && score >= THRESHOLDS.autoLink ? guard : null };
}
