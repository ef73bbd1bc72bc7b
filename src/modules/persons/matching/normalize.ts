import { doubleMetaphone } from 'double-metaphone';
import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Patient } from '../../../canonical';
import { officialName } from '../../../canonical';
import nicknameTable from './nicknames.json';

/**
 * Normalisation of canonical patient fields for matching. Everything here is pure: the same
 * patient always gives the same features, so blocking keys and scores are reproducible.
 */

/** The patient fields matching reads (a subset of the canonical {@link Patient}). */
export type MatchablePatient = Pick<Patient, 'names' | 'telecom' | 'addresses' | 'birthDate' | 'gender' | 'ssnLast4'>;

/** A patient's normalised features; `id` is the caller's (a record id, or a bench row). */
export interface MatchFeatures {
  id: string;
  /** First given name of the official name, normalised; null when absent. */
  first: string | null;
  /** Formal names the first name may stand for (itself included): `bill` → {bill, william}. */
  firstGroups: Set<string>;
  /** Family name, normalised (spaces, hyphens and apostrophes removed). */
  family: string | null;
  /** Double Metaphone codes of the first and family name (primary, alternate). */
  firstPhonetic: string[];
  familyPhonetic: string[];
  /** `yyyy-MM-dd`, or null when missing or malformed. */
  birthDate: string | null;
  gender: string | null;
  /** E.164 phone numbers (`+15035550101`). */
  phones: string[];
  /** Lower-cased e-mail addresses. */
  emails: string[];
  /** `line|postal5` per address with both; street types abbreviated (`street` → `st`). */
  addresses: string[];
  /** First five characters of each postal code. */
  postalCodes: string[];
  ssnLast4: string | null;
}

const nicknames = buildNicknameIndex(nicknameTable as unknown as Record<string, string[] | string>);

/** name → the formal names it stands for. Formal names map to themselves. */
function buildNicknameIndex(table: Record<string, string[] | string>): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  const add = (name: string, formal: string) => {
    let set = index.get(name);
    if (!set) index.set(name, (set = new Set()));
    set.add(formal);
  };
  for (const [formal, short] of Object.entries(table)) {
    if (formal.startsWith('_') || !Array.isArray(short)) continue;
    add(formal, formal);
    for (const s of short) add(s, formal);
  }
  return index;
}

/**
 * Lower case, diacritics stripped (NFKD), every non-letter removed: "O'Brien-Zoë" → "obrienzoe".
 * Null for an empty result.
 */
export function normalizeName(value: string | null | undefined): string | null {
  if (!value) return null;
  const out = value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
  return out || null;
}

/** The formal names a normalised first name may stand for, itself included. */
export function nicknameGroups(first: string | null): Set<string> {
  if (!first) return new Set();
  const found = nicknames.get(first);
  return new Set(found ? [first, ...found] : [first]);
}

/** Double Metaphone codes (https://en.wikipedia.org/wiki/Metaphone#Double_Metaphone), without empties and duplicates. */
export function phonetic(name: string | null): string[] {
  if (!name) return [];
  return [...new Set(doubleMetaphone(name).filter((c) => c))];
}

/** Parsed phones by `country|value`: parsing is the dearest step of a record's features, and a batch's candidates recur. */
const phoneCache = new Map<string, string | null>();

/** E.164 for a phone number, read in `country` when it has no country code; null when not a possible number. */
export function normalizePhone(value: string, country: CountryCode = 'US'): string | null {
  const key = `${country}|${value}`;
  const cached = phoneCache.get(key);
  if (cached !== undefined) return cached;
  const parsed = parsePhoneNumberFromString(value, country);
  const out = parsed && parsed.isPossible() ? parsed.number : null;
  if (phoneCache.size >= 100_000) phoneCache.clear();
  phoneCache.set(key, out);
  return out;
}

/** Trimmed, lower-cased e-mail address; null when it has no `@`. */
export function normalizeEmail(value: string): string | null {
  const v = value.trim().toLowerCase();
  return v.includes('@') ? v : null;
}

const STREET_WORDS: Record<string, string> = {
  street: 'st', avenue: 'ave', av: 'ave', road: 'rd', drive: 'dr', lane: 'ln', boulevard: 'blvd', court: 'ct',
  place: 'pl', terrace: 'ter', circle: 'cir', highway: 'hwy', parkway: 'pkwy', square: 'sq', trail: 'trl',
  apartment: 'apt', suite: 'ste', north: 'n', south: 's', east: 'e', west: 'w', unit: 'apt', number: '',
};

/** Address line(s): lower case, no punctuation or diacritics, USPS street-type abbreviations, `#` as `apt`. */
export function normalizeAddressLine(lines: readonly string[]): string | null {
  const words = lines.join(' ').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/#/g, ' apt ').replace(/[^a-z0-9 ]/g, ' ').split(/\s+/).filter(Boolean)
    .map((w) => STREET_WORDS[w] ?? w).filter(Boolean);
  return words.length ? words.join(' ') : null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Name-derived features repeat across patients (a practice has few distinct names): cached, bounded. */
const nameCache = new Map<string, { groups: Set<string>; codes: string[] }>();
function nameFeatures(name: string | null): { groups: Set<string>; codes: string[] } {
  if (!name) return { groups: new Set(), codes: [] };
  let f = nameCache.get(name);
  if (!f) {
    if (nameCache.size > 50_000) nameCache.clear();
    nameCache.set(name, (f = { groups: nicknameGroups(name), codes: phonetic(name) }));
  }
  return f;
}

/** Normalised features of one patient; phones are read as `country` numbers when they carry no code. */
export function matchFeatures(id: string, p: MatchablePatient, country: CountryCode = 'US'): MatchFeatures {
  const name = officialName(p.names ?? []);
  const first = normalizeName(name?.given?.[0]);
  const family = normalizeName(name?.family);
  const phones = new Set<string>();
  const emails = new Set<string>();
  for (const t of p.telecom ?? []) {
    const v = t.system === 'phone' ? normalizePhone(t.value, country) : t.system === 'email' ? normalizeEmail(t.value) : null;
    if (v) (t.system === 'phone' ? phones : emails).add(v);
  }
  const addresses = new Set<string>();
  const postalCodes = new Set<string>();
  for (const a of p.addresses ?? []) {
    const postal = a.postalCode ? a.postalCode.replace(/\s/g, '').slice(0, 5).toLowerCase() : null;
    const line = normalizeAddressLine(a.line ?? []);
    if (postal) postalCodes.add(postal);
    if (postal && line) addresses.add(`${line}|${postal}`);
  }
  const birthDate = typeof p.birthDate === 'string' && ISO_DATE.test(p.birthDate) ? p.birthDate : null;
  const ssn = p.ssnLast4 && /^\d{4}$/.test(p.ssnLast4) ? p.ssnLast4 : null;
  return {
    id, first, family, birthDate, firstGroups: nameFeatures(first).groups,
    firstPhonetic: nameFeatures(first).codes, familyPhonetic: nameFeatures(family).codes,
    gender: p.gender === 'male' || p.gender === 'female' ? p.gender : null,
    phones: [...phones], emails: [...emails], addresses: [...addresses], postalCodes: [...postalCodes], ssnLast4: ssn,
  };
}
