import type { Patient } from '../../canonical';
import { officialName } from '../../canonical';
import { normalizeAddressLine, normalizeEmail, normalizeName, normalizePhone } from '../persons/matching/normalize';

/** Canonical patient fields compared across the linked sources of one person (docs/conflicts.md). */
export const CROSS_SOURCE_FIELDS = ['birthDate', 'gender', 'names', 'telecom', 'addresses', 'ssnLast4'] as const satisfies ReadonlyArray<keyof Patient>;
export type CrossSourceField = (typeof CROSS_SOURCE_FIELDS)[number];

/**
 * A field's value in comparable form: groups of normalised strings (`tel` E.164 phones, `em`
 * lower-cased e-mails, `addr` `line|postal5`, `fam` and `giv` the official name's family and given
 * names, `v` for a single value); an empty group means no
 * value. Normalisation is the matcher's (persons/matching/normalize.ts), so `503.555.0101` and
 * `(503) 555-0101` are one phone.
 */
export function comparable(field: CrossSourceField, p: Partial<Patient>): Record<string, Set<string>> {
  switch (field) {
    case 'names': {
      // Family and given names as two groups: a source that knows no middle name does not disagree.
      const n = officialName(p.names ?? []);
      const family = normalizeName(n?.family);
      return { fam: new Set(family ? [family] : []), giv: new Set((n?.given ?? []).map(normalizeName).filter((g): g is string => !!g)) };
    }
    case 'telecom': {
      const tel = new Set<string>();
      const em = new Set<string>();
      for (const t of p.telecom ?? []) {
        const v = t.system === 'phone' ? normalizePhone(t.value) : t.system === 'email' ? normalizeEmail(t.value) : null;
        if (v) (t.system === 'phone' ? tel : em).add(v);
      }
      return { tel, em };
    }
    case 'addresses': {
      const addr = new Set<string>();
      for (const a of p.addresses ?? []) {
        const line = normalizeAddressLine(a.line ?? []);
        const postal = a.postalCode ? a.postalCode.replace(/\s/g, '').slice(0, 5).toLowerCase() : '';
        if (line || postal) addr.add(`${line ?? ''}|${postal}`);
      }
      return { addr };
    }
    case 'birthDate':
    case 'gender':
    case 'ssnLast4': {
      const v = p[field];
      return { v: new Set(typeof v === 'string' && v.trim() && v !== 'unknown' ? [v.trim().toLowerCase()] : []) };
    }
  }
}

const contains = (a: Set<string>, b: Set<string>) => [...b].every((x) => a.has(x));

/**
 * Whether two sources disagree on a field: in some group both have values and neither holds
 * all of the other's (a source that knows fewer phones, or none, does not disagree).
 */
export function disagree(a: Record<string, Set<string>>, b: Record<string, Set<string>>): boolean {
  return Object.keys(a).some((g) => {
    const x = a[g];
    const y = b[g] ?? new Set<string>();
    return x.size > 0 && y.size > 0 && !contains(x, y) && !contains(y, x);
  });
}

/** A stable text of a field's comparable form (to tell whether the sources' values changed). */
export function fingerprint(c: Record<string, Set<string>>): string {
  return Object.keys(c).sort().map((g) => `${g}:${[...c[g]].sort().join(',')}`).join(';');
}

/** One linked source of a person: its record, integration, canonical data and when its value reached us. */
export interface PersonSource {
  recordId: string;
  integrationId: string;
  data: Partial<Patient>;
  at: string;
}

/** A field on which some two sources of one person, from different integrations, disagree. */
export interface Disagreement {
  field: CrossSourceField;
  /** Each source with a value of the field, latest first: `{ recordId, integrationId, value, at }`. */
  sources: Array<{ recordId: string; integrationId: string; value: unknown; at: string }>;
  /** `recordId=fingerprint` of each source, sorted: equal while the values stay the same. */
  signature: string;
}

/** The fields on which a person's sources disagree (pure). Sources of one integration are not compared with each other. */
export function disagreements(sources: readonly PersonSource[]): Disagreement[] {
  const out: Disagreement[] = [];
  const latest = [...sources].sort((a, b) => b.at.localeCompare(a.at) || a.recordId.localeCompare(b.recordId));
  for (const field of CROSS_SOURCE_FIELDS) {
    const forms = latest.map((s) => ({ s, c: comparable(field, s.data) })).filter((f) => Object.values(f.c).some((g) => g.size));
    const split = forms.some((a, i) => forms.slice(i + 1).some((b) => a.s.integrationId !== b.s.integrationId && disagree(a.c, b.c)));
    if (!split) continue;
    out.push({
      field,
      sources: forms.map(({ s }) => ({ recordId: s.recordId, integrationId: s.integrationId, value: s.data[field] ?? null, at: s.at })),
      signature: signatureOf(field, forms.map(({ s }) => ({ recordId: s.recordId, value: s.data[field] }))),
    });
  }
  return out;
}

/** The signature of a field's sources (`recordId=fingerprint`, sorted): equal while their normalised values stay the same. */
export function signatureOf(field: CrossSourceField, sources: ReadonlyArray<{ recordId: string; value: unknown }>): string {
  return sources.map((s) => `${s.recordId}=${fingerprint(comparable(field, { [field]: s.value } as Partial<Patient>))}`).sort().join('\n');
}
