import { Coverage, COVERAGE_STATUS, CoverageStatus, CoverageType, SUBSCRIBER_RELATIONSHIP, SubscriberRelationship } from '../../../canonical';
import type { FhirResource } from '../fhir-types';
import { conceptCode, identifierType, link, obj, objs, period, refParts, str } from './elements';
import { FhirMapped, lastUpdated, MapOptions, rawCopy } from './resource';

/** Coverage.type codes (v3-ActCode and common variants) to our small coverage kind. */
const TYPE: Record<string, CoverageType> = {
  DENTPRG: 'dental', DENTAL: 'dental', VISPOL: 'vision', VISION: 'vision',
  MCPOL: 'medical', HIP: 'medical', EHCPOL: 'medical', HMO: 'medical', PPO: 'medical', MEDICAL: 'medical', PUBLICPOL: 'medical', SUBSIDIZ: 'medical',
};

function classOf(resource: FhirResource, kind: 'group' | 'plan'): { value: string | null; name: string | null } {
  const entry = objs(resource.class).find((c) => conceptCode(c.type) === kind);
  return { value: str(entry?.value), name: str(entry?.name) };
}

/**
 * FHIR R4 Coverage (http://hl7.org/fhir/R4/coverage.html, US Core Coverage) → canonical coverage:
 * `beneficiary` → the patient; `subscriber` (a Patient) and `subscriberId`; the member id from an
 * identifier typed MB; `relationship` (subscriber-relationship codes); `order`; `period`;
 * `payor[0]` (id and display); `class` `group`/`plan` → group name/number and plan.
 * `status = entered-in-error` marks the record deleted.
 */
export function mapFhirCoverage(resource: FhirResource, _options: MapOptions = {}): FhirMapped<'coverages'> {
  const statusCode = str(resource.status);
  const status: CoverageStatus = statusCode && (COVERAGE_STATUS as readonly string[]).includes(statusCode) ? (statusCode as CoverageStatus) : 'active';
  const relationship = conceptCode(resource.relationship);
  const typeCode = conceptCode(resource.type);
  const payor = objs(resource.payor)[0] ?? null;
  const payorRef = refParts(payor);
  const group = classOf(resource, 'group');
  const plan = classOf(resource, 'plan');
  const beneficiary = link(resource.beneficiary, 'Patient');
  const member = objs(resource.identifier).find((i) => identifierType(i) === 'MB');
  const data: Coverage = {
    status,
    type: typeCode ? (TYPE[typeCode.toUpperCase()] ?? 'other') : null,
    beneficiary,
    subscriber: link(resource.subscriber, 'Patient'),
    subscriberId: str(resource.subscriberId),
    memberId: str(member?.value),
    relationship: relationship && (SUBSCRIBER_RELATIONSHIP as readonly string[]).includes(relationship) ? (relationship as SubscriberRelationship) : relationship ? 'other' : null,
    sourceRelationship: relationship,
    order: typeof resource.order === 'number' ? resource.order : null,
    period: period(resource.period),
    payer: { externalId: payorRef?.id ?? null, name: str(obj(payor)?.display), electronicId: null, phone: null, address: null },
    groupName: group.name, groupNumber: group.value,
    plan: plan.value ? { externalId: plan.value } : null, planType: plan.name,
    assignmentOfBenefits: null, releaseOfInformation: null,
  };
  return {
    externalId: String(resource.id), data, deleted: status === 'entered-in-error', raw: rawCopy(resource), sourceUpdatedAt: lastUpdated(resource),
    patientExternalId: beneficiary?.externalId ?? null, index: { status },
  };
}
