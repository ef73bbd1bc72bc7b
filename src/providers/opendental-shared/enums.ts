/**
 * OpenDental enums as the schema document defines them (OpenDentalDocumentation25-4.xml,
 * docs/vendors/opendental-db.md). The database stores the numbers; the REST API sends the
 * names (§1.2), so every decoder accepts either.
 */
export const PAT_STATUS = ['Patient', 'NonPatient', 'Inactive', 'Archived', 'Deleted', 'Deceased', 'Prospective'] as const;
export const GENDER = ['Male', 'Female', 'Unknown', 'Other'] as const;
export const POSITION = ['Single', 'Married', 'Child', 'Widowed', 'Divorced'] as const;
export const APT_STATUS = ['None', 'Scheduled', 'Complete', 'UnschedList', 'ASAP', 'Broken', 'Planned', 'PtNote', 'PtNoteCompleted'] as const;
export const PROV_STATUS = ['Active', 'Deleted'] as const;
export const PRIORITY = ['Normal', 'ASAP'] as const;

export type PatStatusName = (typeof PAT_STATUS)[number];
export type AptStatusName = (typeof APT_STATUS)[number];

/** Decodes an enum value given as its number (database) or its name (REST API); unknown values give null. */
export function enumName<T extends string>(names: readonly T[], value: unknown): T | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return names[Number(value)] ?? null;
  const text = String(value).toLowerCase();
  return names.find((n) => n.toLowerCase() === text) ?? null;
}

/** The numeric value of an enum name, for SQL filters. */
export function enumValue<T extends string>(names: readonly T[], name: T): number {
  return names.indexOf(name);
}

/** OpenDental booleans: tinyint 0/1 in the database, "true"/"false" (any case) in the API. */
export function odBool(value: unknown): boolean {
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  return ['1', 'true'].includes(String(value ?? '').toLowerCase());
}
