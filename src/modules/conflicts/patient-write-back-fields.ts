import type { Address, ContactPoint } from '../../canonical';

const PHONE_FIELD: Record<string, string> = { mobile: 'mobilePhone', home: 'homePhone', work: 'workPhone' };

/**
 * The fields of the vendor-neutral `update_patient` action (modules/actions) that carry one
 * top-level canonical Patient field, or null when the action cannot carry it:
 * `preferredName`, `language` (null clears), `birthDate`, `gender` (male, female, unknown);
 * `telecom` when it holds at most one phone per use (mobile, home, work) and one e-mail (the
 * missing ones are cleared); `addresses` with at most one address. Pure.
 */
export function patientUpdateFields(field: string, value: unknown): Record<string, unknown> | null {
  switch (field) {
    case 'preferredName':
    case 'language':
      return value === null || typeof value === 'string' ? { [field]: value ?? '' } : null;
    case 'birthDate':
      return typeof value === 'string' ? { birthDate: value } : null;
    case 'gender':
      return typeof value === 'string' && ['male', 'female', 'unknown'].includes(value) ? { gender: value } : null;
    case 'telecom':
      return Array.isArray(value) ? telecomFields(value as ContactPoint[]) : null;
    case 'addresses':
      return Array.isArray(value) && value.length <= 1 ? { address: addressFields((value as Address[])[0]) } : null;
    default:
      return null;
  }
}

function telecomFields(telecom: ContactPoint[]): Record<string, string> | null {
  const out: Record<string, string> = { mobilePhone: '', homePhone: '', workPhone: '', email: '' };
  const seen = new Set<string>();
  for (const c of telecom) {
    const key = c.system === 'email' ? 'email' : c.system === 'phone' && c.use ? PHONE_FIELD[c.use] : undefined;
    if (!key || seen.has(key)) return null;
    seen.add(key);
    out[key] = c.value;
  }
  return out;
}

function addressFields(a: Address | undefined): Record<string, string> {
  return { line1: a?.line[0] ?? '', line2: a?.line[1] ?? '', city: a?.city ?? '', state: a?.state ?? '', postalCode: a?.postalCode ?? '' };
}
