import { normalizeSearchText } from '../../common/search-text';
import {
  CoverageStatus, CoverageType, NPI_SYSTEM, SOURCE_ID_SYSTEM, SubscriberRelationship, humanName, identifiers, link, telecom,
} from '../../canonical';
import { CanonicalRecord } from '../provider-adapter';
import { idOf, str } from './patient.mapper';

type Row = Record<string, unknown>;

/** subscription_relation → FHIR subscriber-relationship code (the same table as the OpenDental coverage mapper). */
const RELATIONSHIP: Record<string, SubscriberRelationship> = {
  self: 'self', spouse: 'spouse', child: 'child', employee: 'other', handicap_dep: 'other', signif_other: 'common',
  injured_plaintiff: 'injured', life_partner: 'common', dependent: 'other', other: 'other',
};

/** insurance_type → our Coverage.type. */
const COVERAGE_TYPES: Record<string, CoverageType> = { dental: 'dental', medical: 'medical', vision: 'vision' };

/** NUCC taxonomy prefix of a dental hygienist (http://www.nucc.org). */
const HYGIENIST_TAXONOMY = '124Q';

function instant(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * A NexHealth provider (§3 GET /providers) as a canonical `Practitioner`. Inactive providers are
 * kept with `status: inactive` (NexHealth deletes nothing it reports). `isHygienist` from the
 * NUCC taxonomy in specialty_code (124Q… = dental hygienist); npi under the NPI system; email as telecom.
 * locations, state_license and foreign_id stay in `raw`.
 */
export function mapNexProvider(row: Row): CanonicalRecord<'providers'> {
  const firstName = str(row.first_name);
  const lastName = str(row.last_name);
  const npi = str(row.npi);
  const specialtyCode = str(row.specialty_code);
  const externalId = String(row.id);
  return {
    externalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      names: [humanName('official', lastName, [firstName, str(row.middle_name)])],
      displayName: str(row.display_name) ?? str(row.name) ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
      npi,
      identifiers: identifiers([[SOURCE_ID_SYSTEM, externalId, 'PRN'], [NPI_SYSTEM, npi, 'NPI']]),
      telecom: telecom([], str(row.email)),
      status: row.inactive === true ? 'inactive' : 'active',
      sourceStatus: row.inactive === true ? 'inactive' : 'active',
      specialtyCode,
      isHygienist: specialtyCode !== null && specialtyCode.toUpperCase().startsWith(HYGIENIST_TAXONOMY),
      abbreviation: null,
      isHidden: false,
      terminationDate: null,
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(firstName, lastName) },
  };
}

/**
 * A NexHealth operatory (chair/room) as a canonical `Location` of kind `room`, like OpenDental
 * operatories; `partOf` is the NexHealth location (site) it belongs to; `active: false` gives
 * `status: inactive`; a name containing "hyg" marks the hygiene chair.
 */
export function mapNexOperatory(row: Row): CanonicalRecord<'locations'> {
  const name = str(row.display_name) ?? str(row.name);
  return {
    externalId: String(row.id),
    sourceUpdatedAt: str(row.updated_at),
    data: {
      kind: 'room',
      name,
      abbreviation: str(row.name),
      status: row.active === false ? 'inactive' : 'active',
      partOf: link(idOf(row.location_id)),
      address: null,
      telecom: [],
      isHygiene: name !== null && name.toLowerCase().includes('hyg'),
      isBookableOnline: row.bookable_online === true,
      defaultProvider: null,
      defaultHygienist: null,
      sortOrder: null,
    },
    raw: { ...row },
    index: { searchText: normalizeSearchText(name) },
  };
}

/**
 * A NexHealth insurance coverage (§3 GET /insurance_coverages) as a canonical `Coverage`; what
 * NexHealth does not send (payer, group, subscriber link) is null. `status` active or cancelled
 * (active: false); `order` = priority (1 = primary); `type` from insurance_type.
 */
export function mapNexCoverage(row: Row): CanonicalRecord<'coverages'> {
  const order = typeof row.priority === 'number' ? row.priority : null;
  const relation = str(row.subscription_relation);
  const status: CoverageStatus = row.active === false ? 'cancelled' : 'active';
  const patientExternalId = idOf(row.patient_id);
  const insuranceType = str(row.insurance_type);
  return {
    externalId: String(row.id),
    patientExternalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      status,
      type: insuranceType ? COVERAGE_TYPES[insuranceType.toLowerCase()] ?? 'other' : null,
      beneficiary: link(patientExternalId),
      subscriber: null,
      subscriberId: str(row.subscriber_num),
      memberId: null,
      relationship: relation ? RELATIONSHIP[relation] ?? 'other' : null,
      sourceRelationship: relation,
      order,
      period: { start: str(row.effective_date)?.slice(0, 10) ?? null, end: str(row.expiration_date)?.slice(0, 10) ?? null },
      payer: { externalId: null, name: null, electronicId: null, phone: null, address: null },
      groupName: null,
      groupNumber: null,
      plan: link(idOf(row.plan_id)),
      planType: null,
      assignmentOfBenefits: null,
      releaseOfInformation: null,
    },
    raw: { ...row },
    index: { status, searchText: null },
  };
}

/**
 * A NexHealth patient document (§3 GET /patients/{id}/documents) as a canonical
 * `DocumentReference`; bytes are never read. `contentType` = type (a MIME type), `date` =
 * created_at, `url` the download address; document_type_id is kept as `sourceCategory`.
 */
export function mapNexDocument(row: Row, patientId: string): CanonicalRecord<'documents'> {
  const fileName = str(row.filename);
  return {
    externalId: String(row.id),
    patientExternalId: patientId,
    sourceUpdatedAt: str(row.created_at),
    data: {
      status: 'current',
      subject: link(patientId),
      description: fileName,
      fileName,
      contentType: str(row.type),
      category: 'document',
      sourceCategory: idOf(row.document_type_id),
      date: instant(row.created_at),
      author: null,
      toothNumbers: [],
      comment: null,
      url: str(row.url),
    },
    raw: { ...row },
    index: { searchText: fileName?.toLowerCase() ?? null },
  };
}

function money(value: unknown): number | null {
  const amount = str((value as { amount?: unknown } | null)?.amount);
  return amount === null || Number.isNaN(Number(amount)) ? null : Number(amount);
}

/** A guarantor balance (GET /guarantor_balances) as a canonical `Balance`: amounts in whole currency units (dollars), aging buckets, the guarantor as patient; foreign_id stays in `raw`. */
export function mapNexBalance(row: Row): CanonicalRecord<'balances'> {
  const patientExternalId = idOf(row.guarantor_id);
  return {
    externalId: String(row.id),
    patientExternalId,
    sourceUpdatedAt: str(row.updated_at),
    data: {
      guarantor: link(patientExternalId),
      location: link(idOf(row.location_id)),
      currency: str((row.total_balance as { currency?: unknown } | null)?.currency) ?? 'USD',
      total: money(row.total_balance),
      insuranceEstimate: money(row.insurance_estimate),
      guarantorPortion: money(row.guarantor_portion),
      writeOffEstimate: money(row.write_off_estimate),
      aging: { under30: money(row.total_balance_under_30), days31to60: money(row.total_balance_31_60), days61to90: money(row.total_balance_61_90), over90: money(row.total_balance_over_90) },
    },
    raw: { ...row },
  };
}
