import { faker } from '@faker-js/faker';
import { Rng } from './rng';

/** A synthetic person (the truth the two sources' records are copies of). */
export interface TruePerson {
  id: number;
  sex: 'male' | 'female';
  first: string;
  family: string;
  birthDate: string;
  line: string;
  postal: string;
  phone: string;
  email: string | null;
  ssnLast4: string | null;
}

/** Household sizes 1–5 with these probabilities (US census-like). */
const HOUSEHOLD_SIZES = [0.5, 0.25, 0.12, 0.09, 0.04];
/** Share of households with 3+ members that include a pair of twins (same birth date and home, other first names). */
export const TWIN_HOUSEHOLDS = 0.06;
/** Share of households with 2+ members where a child carries a parent's first name (Jr.). */
export const JUNIOR_HOUSEHOLDS = 0.02;
/** Members who use the household's landline rather than a phone of their own. */
export const SHARED_PHONE = 0.6;
/** Members who have an e-mail address; members who have an SSN on file. */
export const HAS_EMAIL = 0.7;
export const HAS_SSN = 0.5;

const pad = (n: number) => String(n).padStart(2, '0');
const START = Date.UTC(1930, 0, 1);
const DAYS = Math.floor((Date.UTC(2022, 11, 31) - START) / 86_400_000);

function birthDate(rng: Rng): string {
  const d = new Date(START + rng.int(0, DAYS) * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const phoneOf = (rng: Rng) => `${rng.int(201, 989)}${rng.int(200, 999)}${rng.digits(4)}`;

/**
 * `count` people in households that share family name (90 % of members), address, postal code
 * (a pool of 3,000, so unrelated people share postal codes) and often a phone; names from
 * faker's en locale (seeded), birth dates uniform over 1930–2022.
 */
export function population(count: number, rng: Rng, seed: number): TruePerson[] {
  faker.seed(seed);
  const postals = Array.from({ length: 3000 }, () => faker.location.zipCode('#####'));
  const people: TruePerson[] = [];
  while (people.length < count) {
    let size = 1;
    for (let r = rng.next(), acc = 0; size <= HOUSEHOLD_SIZES.length; size++) if (r < (acc += HOUSEHOLD_SIZES[size - 1])) break;
    size = Math.min(size, HOUSEHOLD_SIZES.length, count - people.length);
    const family = faker.person.lastName();
    const line = faker.location.streetAddress(rng.chance(0.3));
    const postal = rng.pick(postals);
    const landline = phoneOf(rng);
    const members: TruePerson[] = [];
    for (let i = 0; i < size; i++) {
      const sex = rng.chance(0.5) ? 'male' : 'female';
      const first = faker.person.firstName(sex);
      const fam = rng.chance(0.9) ? family : faker.person.lastName();
      members.push({
        id: people.length + i, sex, first, family: fam, birthDate: birthDate(rng), line, postal,
        phone: rng.chance(SHARED_PHONE) ? landline : phoneOf(rng),
        email: rng.chance(HAS_EMAIL) ? `${first}.${fam}${rng.int(1, 999)}@${faker.internet.domainName()}`.toLowerCase() : null,
        ssnLast4: rng.chance(HAS_SSN) ? rng.digits(4) : null,
      });
    }
    if (size >= 3 && rng.chance(TWIN_HOUSEHOLDS)) {
      const [a, b] = [members[size - 2], members[size - 1]];
      b.birthDate = a.birthDate;
      b.family = a.family;
      while (b.first === a.first) b.first = faker.person.firstName(b.sex);
    } else if (size >= 2 && rng.chance(JUNIOR_HOUSEHOLDS)) {
      const [parent, child] = [members[0], members[size - 1]];
      Object.assign(child, { first: parent.first, sex: parent.sex, family: parent.family });
    }
    people.push(...members);
  }
  return people;
}
