import { normalizeSearchText } from '../../common/search-text';
import { CanonicalRecord } from '../provider-adapter';
import { idOf, str } from './patient.mapper';

type Row = Record<string, unknown>;

/** subscription_relation → FHIR subscriber-relationship code (the same table as the OpenDental coverage mapper). */
const RELATIONSHIP: Record<string, string> = {
  self: 'self', spouse: 'spouse', child: 'child', employee: 'other', handicap_dep: 'other', signif_other: 'common',
  injured_plaintiff: 'injured', life_partner: 'common', dependent: 'other', other: 'other',
};
const PRIORITY = ['primary', 'secondary', 'tertiary', 'quaternary'];

/**
 * A NexHealth provider (§3 GET /providers) as a canonical provider (opendental-shared/provider.mapper.ts fields).
 * Inactive providers are kept with `status: inactive` (NexHealth deletes nothing it reports).
 * `isHygienist` from the NUCC taxonomy in specialty_code (124Q… = dental hygienist).
 */
export function mapNexProvider(row: Row): CanonicalRecord {
  const firstName = str(row.first_name);
  const lastName = str(row.last_name);
  const locations = Array.isArray(row.locations) ? (row.locations as Row[]).map((l) => idOf(l.id)).filter((id): id is string => id !== null) : [];
  return {
    externalId: String(row.id),
    sourceUpdatedAt: str(row.updated_at),
    data: {
      abbreviation: null, firstName, middleInitial: str(row.middle_name)?.slice(0, 1) ?? null, lastName, suffix: null, preferredName: null,
      displayName: str(row.display_name) ?? str(row.name) ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
      npi: str(row.npi), isHygienist: /^124Q/i.test(str(row.specialty_code) ?? ''), isHidden: false, isPerson: true,
      status: row.inactive === true ? 'inactive' : 'active', terminationDate: null,
      email: str(row.email), stateLicense: str(row.state_license), specialtyCode: str(row.specialty_code), locationExternalIds: locations,
      foreignId: str(row.foreign_id), foreignIdType: str(row.foreign_id_type),
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(firstName, lastName) },
  };
}

/** A NexHealth operatory (chair/room) as our `locations` record, like OpenDental operatories; the NexHealth location id is in `clinicExternalId` and `nexhealthLocationId`. */
export function mapNexOperatory(row: Row): CanonicalRecord {
  const name = str(row.display_name) ?? str(row.name);
  return {
    externalId: String(row.id),
    sourceUpdatedAt: str(row.updated_at),
    data: {
      kind: 'operatory', name, abbreviation: str(row.name), isHidden: row.active === false, isHygiene: /hyg/i.test(name ?? ''),
      isWebSched: row.bookable_online === true, clinicExternalId: idOf(row.location_id), nexhealthLocationId: idOf(row.location_id),
      dentistExternalId: null, hygienistExternalId: null, itemOrder: null, foreignId: str(row.foreign_id),
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(name) },
  };
}

/**
 * A NexHealth insurance coverage (§3 GET /insurance_coverages) with the OpenDental coverage
 * mapper's fields; what NexHealth does not send (payer, group, subscriber links) is null.
 * `status` active or cancelled (active: false); `order` = priority (1 = primary).
 */
export function mapNexCoverage(row: Row): CanonicalRecord {
  const order = typeof row.priority === 'number' ? row.priority : null;
  const relation = str(row.subscription_relation);
  const status = row.active === false ? 'cancelled' : 'active';
  const patientExternalId = idOf(row.patient_id);
  return {
    externalId: String(row.id),
    patientExternalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      patientExternalId, status, isPending: false, order,
      priority: order !== null && order >= 1 ? PRIORITY[order - 1] ?? `order_${order}` : null,
      relationship: relation ? RELATIONSHIP[relation] ?? 'other' : null, sourceRelationship: relation,
      subscriberExternalId: null, subscriberId: str(row.subscriber_num), memberId: null, subscriptionExternalId: null, planExternalId: idOf(row.plan_id),
      period: { start: str(row.effective_date), end: str(row.expiration_date) }, type: str(row.insurance_type), planType: null,
      group: { name: null, number: null },
      payer: { externalId: null, name: null, electronicId: null, phone: null, address: { line1: null, line2: null, city: null, state: null, postalCode: null } },
      assignmentOfBenefits: null, releaseOfInformation: null,
    },
    raw: { ...row },
    index: { status, searchText: null },
  };
}

/** A NexHealth patient document (§3 GET /patients/{id}/documents) as document metadata (opendental-shared/document.mapper.ts fields); bytes are never read. */
export function mapNexDocument(row: Row, patientId: string): CanonicalRecord {
  const fileName = str(row.filename);
  return {
    externalId: String(row.id),
    patientExternalId: patientId,
    sourceUpdatedAt: str(row.created_at),
    data: {
      patientExternalId: patientId, description: fileName, fileName, contentType: str(row.type), type: 'document', sourceType: null,
      categoryExternalId: idOf(row.document_type_id), createdAt: str(row.created_at), localCreatedAt: null, timeZone: 'UTC', toothNumbers: [],
      note: null, providerExternalId: null, mountItemExternalId: null, url: str(row.url),
    },
    raw: { ...row },
    index: { searchText: fileName?.toLowerCase() ?? null },
  };
}

function money(value: unknown): number | null {
  const amount = str((value as { amount?: unknown } | null)?.amount);
  return amount === null || Number.isNaN(Number(amount)) ? null : Number(amount);
}

/** A guarantor balance (GET /guarantor_balances) as a `balances` record: amounts in whole currency units (dollars), aging buckets, the guarantor as patient. */
export function mapNexBalance(row: Row): CanonicalRecord {
  const patientExternalId = idOf(row.guarantor_id);
  return {
    externalId: String(row.id),
    patientExternalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      patientExternalId, guarantorExternalId: patientExternalId, clinicExternalId: idOf(row.location_id),
      currency: str((row.total_balance as { currency?: unknown } | null)?.currency) ?? 'USD',
      total: money(row.total_balance), insuranceEstimate: money(row.insurance_estimate), guarantorPortion: money(row.guarantor_portion),
      writeOffEstimate: money(row.write_off_estimate),
      aging: { under30: money(row.total_balance_under_30), days31to60: money(row.total_balance_31_60), days61to90: money(row.total_balance_61_90), over90: money(row.total_balance_over_90) },
      foreignId: str(row.foreign_id),
    },
    raw: { ...row },
  };
}
