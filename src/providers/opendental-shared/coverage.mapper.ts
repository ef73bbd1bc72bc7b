import { CoverageStatus, SubscriberRelationship, address, link } from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { enumName, odBool } from './enums';
import { fk, odDate, text } from './values';

/**
 * patplan.Relationship (schema enum Relat). The REST API sends the names; its documentation
 * spells 6 "InjuredPlantiff" (https://www.opendental.com/site/apipatplans.html), so both spellings decode.
 */
export const RELAT = ['Self', 'Spouse', 'Child', 'Employee', 'HandicapDep', 'SignifOther', 'InjuredPlaintiff', 'LifePartner', 'Dependent'] as const;
export type RelatName = (typeof RELAT)[number];

/** FHIR R4 subscriber-relationship codes (http://terminology.hl7.org/CodeSystem/subscriber-relationship). */
const FHIR_RELATIONSHIP: Record<RelatName, SubscriberRelationship> = {
  Self: 'self', Spouse: 'spouse', Child: 'child', Employee: 'other', HandicapDep: 'other',
  SignifOther: 'common', InjuredPlaintiff: 'injured', LifePartner: 'common', Dependent: 'other',
};

/** insplan.PlanType: a char in the database ("" = percentage), the same or the word "percentage" in the API filter. */
const PLAN_TYPE: Record<string, string> = { '': 'percentage', percentage: 'percentage', p: 'ppo', f: 'flat_copay', c: 'capitation' };

/** The four rows of one coverage, each with OpenDental's column names (database rows or REST API JSON). */
export interface CoverageRows {
  patplan: Record<string, unknown>;
  inssub: Record<string, unknown> | null | undefined;
  insplan: Record<string, unknown> | null | undefined;
  carrier: Record<string, unknown> | null | undefined;
}

/** Decodes patplan.Relationship given as a number (database) or a name in either spelling (API). */
export function relationshipName(value: unknown): RelatName | null {
  if (typeof value === 'string' && value.toLowerCase() === 'injuredplantiff') return 'InjuredPlaintiff';
  return enumName(RELAT, value);
}

function latest(...stamps: unknown[]): string | null {
  const values = stamps.map(text).filter((s): s is string => s !== null && !s.startsWith('0001'));
  return values.length ? values.sort().at(-1)! : null;
}

/**
 * Maps the OpenDental insurance chain of one patient's plan to a canonical `Coverage`
 * (FHIR R4 Coverage). Chain (schema §2): patient ← patplan → inssub (Subscriber = a PatNum)
 * → insplan → carrier. The external id is PatPlanNum: a coverage exists exactly while its
 * patplan row does (patplans are hard-deleted, §1.7).
 * - `order` = Ordinal (1 = primary); `status` is `draft` while IsPending, else `active`
 *   (termination is data: `period.end` = inssub.DateTerm, `0001-01-01` = none).
 * - `relationship` = Relationship as a FHIR subscriber-relationship code; `sourceRelationship` the OpenDental name.
 * - `beneficiary` = patplan.PatNum, `subscriber` = inssub.Subscriber, `subscriberId` = inssub.SubscriberID,
 *   `memberId` = patplan.PatID (overrides it on claims), `plan` = PlanNum.
 * - `payer` = carrier (CarrierNum, name, ElectID as `electronicId`, phone, address); GroupName/GroupNum;
 *   `planType` = PlanType (""/percentage, p = ppo, f = flat_copay, c = capitation); `type` medical or dental (IsMedical).
 * - `sourceUpdatedAt` is the newest SecDateTEdit of the four rows, so a change anywhere in the chain is seen.
 * Returns a skip issue when a link of the chain is missing (`missing_subscription`, `missing_plan`, `missing_carrier`).
 */
export function mapCoverage(rows: CoverageRows): CanonicalRecord<'coverages'> | RecordIssue {
  const { patplan, inssub, insplan, carrier } = rows;
  const externalId = String(patplan.PatPlanNum);
  if (!inssub) return { externalId, code: 'missing_subscription', message: 'PatPlan points at an InsSub that does not exist' };
  if (!insplan) return { externalId, code: 'missing_plan', message: 'InsSub points at an InsPlan that does not exist' };
  if (!carrier) return { externalId, code: 'missing_carrier', message: 'InsPlan points at a Carrier that does not exist' };
  const relation = relationshipName(patplan.Relationship);
  const order = patplan.Ordinal === undefined || patplan.Ordinal === null || patplan.Ordinal === '' ? null : Number(patplan.Ordinal);
  const status: CoverageStatus = odBool(patplan.IsPending) ? 'draft' : 'active';
  const payerName = text(carrier.CarrierName);
  const groupName = text(insplan.GroupName);
  const patientExternalId = fk(patplan.PatNum);
  return {
    externalId,
    patientExternalId,
    sourceUpdatedAt: latest(patplan.SecDateTEdit, inssub.SecDateTEdit, insplan.SecDateTEdit, carrier.SecDateTEdit),
    data: {
      status,
      type: odBool(insplan.IsMedical) ? 'medical' : 'dental',
      beneficiary: link(patientExternalId),
      subscriber: link(fk(inssub.Subscriber)),
      subscriberId: text(inssub.SubscriberID),
      memberId: text(patplan.PatID),
      relationship: relation ? FHIR_RELATIONSHIP[relation] : null,
      sourceRelationship: relation,
      order,
      period: { start: odDate(inssub.DateEffective), end: odDate(inssub.DateTerm) },
      payer: {
        externalId: fk(carrier.CarrierNum),
        name: payerName,
        electronicId: text(carrier.ElectID),
        phone: text(carrier.Phone),
        address: address('work', [text(carrier.Address), text(carrier.Address2)], text(carrier.City), text(carrier.State), text(carrier.Zip), null),
      },
      groupName,
      groupNumber: text(insplan.GroupNum),
      plan: link(fk(insplan.PlanNum)),
      planType: PLAN_TYPE[String(insplan.PlanType ?? '').trim().toLowerCase()] ?? null,
      assignmentOfBenefits: odBool(inssub.AssignBen),
      releaseOfInformation: odBool(inssub.ReleaseInfo),
    },
    raw: { patplan: { ...patplan }, inssub: { ...inssub }, insplan: { ...insplan }, carrier: { ...carrier } },
    index: { status, searchText: [payerName, groupName].filter(Boolean).join(' ').toLowerCase() || null },
  };
}
