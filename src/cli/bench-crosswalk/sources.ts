import { faker } from '@faker-js/faker';
import type { MatchablePatient } from '../../modules/persons/matching';
import { Rng } from './rng';
import type { TruePerson } from './population';

/**
 * Error rates of one source copy of a person, each drawn independently per copy. The generator
 * knows nothing of the matcher: its nickname list below is its own (and holds diminutives the
 * matcher's table lacks), its typos are random single edits.
 */
export const ERROR_RATES = {
  firstNameNickname: 0.08, // when the generator's list has a diminutive for the name
  firstNameTypo: 0.03,
  familyNameTypo: 0.03,
  familyNameChanged: 0.015, // marriage: another family name altogether
  birthDateDayMonthSwap: 0.015, // when the day is 12 or less and differs from the month
  birthDateTypo: 0.01, // year ±1, or day ±1..3
  birthDateMissing: 0.01,
  addressMoved: 0.08, // source B only: a new line and postal code
  addressMissing: 0.05,
  phoneMissing: 0.1,
  phoneChanged: 0.08,
  emailMissing: 0.2,
  emailTypo: 0.02,
  ssnRecorded: 0.6, // of people with an SSN, copies that hold its last four
  genderMissing: 0.02,
} as const;

/** The generator's own diminutives (includes some the matcher's table does not know: Dom, Max, Seb, Leo for Leonardo, Frankie for Francesca). */
const DIMINUTIVES: Record<string, string[]> = {
  william: ['Bill', 'Will', 'Billy'], robert: ['Bob', 'Rob', 'Bobby'], elizabeth: ['Liz', 'Beth', 'Betty'],
  margaret: ['Peggy', 'Meg', 'Maggie'], richard: ['Dick', 'Rick'], james: ['Jim', 'Jimmy'], john: ['Jack', 'Johnny'],
  joseph: ['Joe'], michael: ['Mike'], thomas: ['Tom'], charles: ['Chuck', 'Charlie'], christopher: ['Chris'],
  daniel: ['Dan'], david: ['Dave'], edward: ['Ed', 'Ted'], jennifer: ['Jen', 'Jenny'], katherine: ['Kate', 'Kathy'],
  patricia: ['Pat', 'Trish'], susan: ['Sue'], anthony: ['Tony'], steven: ['Steve'], matthew: ['Matt'],
  andrew: ['Andy', 'Drew'], joshua: ['Josh'], nicholas: ['Nick'], benjamin: ['Ben'], samuel: ['Sam'],
  alexander: ['Alex'], jessica: ['Jess'], deborah: ['Debbie'], rebecca: ['Becky'], kimberly: ['Kim'],
  pamela: ['Pam'], ronald: ['Ron'], donald: ['Don'], gregory: ['Greg'], jeffrey: ['Jeff'], kenneth: ['Ken'],
  timothy: ['Tim'], lawrence: ['Larry'], barbara: ['Barb'], dorothy: ['Dot'], sandra: ['Sandy'], cynthia: ['Cindy'],
  theresa: ['Terry'], victoria: ['Vicky'], frederick: ['Fred'], henry: ['Hank'], harold: ['Harry'], raymond: ['Ray'],
  eugene: ['Gene'], walter: ['Walt'], albert: ['Al'], dominic: ['Dom'], maximilian: ['Max'], sebastian: ['Seb'],
  leonardo: ['Leo'], francesca: ['Frankie'], abigail: ['Abby'], zachary: ['Zach'], natalie: ['Nat'], vincent: ['Vince'],
};

const STREET_VARIANTS: Array<[RegExp, string]> = [[/\bStreet\b/, 'St.'], [/\bAvenue\b/, 'Ave'], [/\bRoad\b/, 'Rd'], [/\bDrive\b/, 'Dr.'], [/\bLane\b/, 'Ln']];

function phoneFormat(rng: Rng, digits: string): string {
  const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return rng.pick([`${a}.${b}.${c}`, `(${a}) ${b}-${c}`, `+1 ${a} ${b} ${c}`, `${a}-${b}-${c}`, digits]);
}

function shiftDate(rng: Rng, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (rng.chance(0.5)) return `${y + rng.pick([-1, 1])}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const day = Math.min(28, Math.max(1, d + rng.pick([-3, -2, -1, 1, 2, 3])));
  return `${y}-${String(m).padStart(2, '0')}-${String(day === d ? (d === 1 ? 2 : 1) : day).padStart(2, '0')}`;
}

/** One source's record of `p`, with that copy's errors; `mayMove` lets its address differ (source B). */
export function sourceCopy(rng: Rng, p: TruePerson, mayMove: boolean): MatchablePatient {
  const r = ERROR_RATES;
  let first = p.first;
  const nick = DIMINUTIVES[first.toLowerCase()];
  if (nick && rng.chance(r.firstNameNickname)) first = rng.pick(nick);
  else if (rng.chance(r.firstNameTypo)) first = rng.typo(first);
  let family = p.family;
  if (rng.chance(r.familyNameChanged)) family = faker.person.lastName();
  else if (rng.chance(r.familyNameTypo)) family = rng.typo(family);
  let birthDate: string | null = p.birthDate;
  const [y, m, d] = p.birthDate.split('-');
  if (rng.chance(r.birthDateMissing)) birthDate = null;
  else if (Number(d) <= 12 && d !== m && rng.chance(r.birthDateDayMonthSwap)) birthDate = `${y}-${d}-${m}`;
  else if (rng.chance(r.birthDateTypo)) birthDate = shiftDate(rng, p.birthDate);
  let line = p.line;
  let postal = p.postal;
  if (mayMove && rng.chance(r.addressMoved)) (line = faker.location.streetAddress()), (postal = faker.location.zipCode('#####'));
  for (const [re, short] of STREET_VARIANTS) if (rng.chance(0.3)) line = line.replace(re, short);
  const telecom: MatchablePatient['telecom'] = [];
  if (!rng.chance(r.phoneMissing)) {
    const digits = rng.chance(r.phoneChanged) ? `${rng.int(201, 989)}${rng.int(200, 999)}${rng.digits(4)}` : p.phone;
    telecom.push({ system: 'phone', value: phoneFormat(rng, digits), use: 'home', rank: 1 });
  }
  if (p.email && !rng.chance(r.emailMissing)) {
    telecom.push({ system: 'email', value: rng.chance(r.emailTypo) ? rng.typo(p.email) : p.email, use: null, rank: null });
  }
  return {
    names: [{ use: 'official', family, given: [first], prefix: [], suffix: [], text: null }],
    birthDate,
    gender: rng.chance(r.genderMissing) ? null : p.sex,
    telecom,
    addresses: rng.chance(r.addressMissing) ? [] : [{ use: 'home', line: [line], city: null, state: null, postalCode: postal, country: 'US' }],
    ssnLast4: p.ssnLast4 && rng.chance(r.ssnRecorded) ? p.ssnLast4 : null,
  };
}
