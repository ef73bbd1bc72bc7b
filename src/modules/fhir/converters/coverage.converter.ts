import type { Coverage } from '../../../canonical';
import { COVERAGE_STATUS, COVERAGE_TYPE, SUBSCRIBER_RELATIONSHIP } from '../../../canonical';
import { SOURCE_SYSTEM_PREFIX } from '../../../canonical';
import type { Converter } from './converter';
import { code, compact, concept, FhirObject, period, str } from './datatypes';
import { systemUri } from './identifiers';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const COVERAGE_CLASS = 'http://terminology.hl7.org/CodeSystem/coverage-class';
const RELATIONSHIP = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';
/** The carrier's key at the source (carriers are not stored as records of their own). */
const CARRIER_ID_SYSTEM = `${SOURCE_SYSTEM_PREFIX}carrier-id`;
const TYPE_CODE = { dental: 'DENTPRG', medical: 'MCPOL', vision: 'VISPOL' } as const;

/** Coverage.type: a v3-ActCode coding, `other` as text only. */
function typeOf(value: unknown): FhirObject | undefined {
  const type = code(COVERAGE_TYPE, value);
  if (!type) return undefined;
  return type === 'other' ? { text: 'other' } : concept(ACT_CODE, TYPE_CODE[type]);
}

/**
 * Canonical coverage → FHIR R4 Coverage (http://hl7.org/fhir/R4/coverage.html): beneficiary by
 * `records.patient_id`, payor as a logical reference (carriers are not stored as records: the
 * carrier's name as display, its source key as identifier), type from v3-ActCode (DENTPRG,
 * MCPOL, VISPOL), group and plan as `class`. Both beneficiary and payor are required (1..1, 1..*).
 */
export const coverageConverter: Converter<Coverage> = {
  links: (d) => [d.beneficiary, d.subscriber].filter((l) => l?.externalId).map((l) => ({ resource: 'patients', externalId: l!.externalId })),
  toFhir(d, ctx) {
    const payerId = str(d.payer?.externalId);
    const payor = compact({
      display: str(d.payer?.name) ?? (payerId ? undefined : 'Unknown payer'),
      identifier: payerId ? { system: systemUri(CARRIER_ID_SYSTEM, ctx.record.integration_id), value: payerId } : undefined,
    }) as FhirObject;
    const classes: FhirObject[] = [];
    const group = str(d.groupNumber) ?? str(d.groupName);
    if (group) classes.push(compact({ type: concept(COVERAGE_CLASS, 'group'), value: group, name: str(d.groupName) }) as FhirObject);
    if (str(d.plan?.externalId)) classes.push(compact({ type: concept(COVERAGE_CLASS, 'plan'), value: d.plan!.externalId, name: str(d.planType) }) as FhirObject);
    const order = Number.isInteger(d.order) && (d.order ?? 0) > 0 ? d.order ?? undefined : undefined;
    return compact({
      ...ctx.envelope('Coverage'),
      status: code(COVERAGE_STATUS, d.status) ?? 'active',
      type: typeOf(d.type),
      subscriber: ctx.ref('patients', d.subscriber),
      subscriberId: str(d.subscriberId),
      beneficiary: ctx.patientRef(d.beneficiary) ?? { display: 'Unknown patient' },
      dependent: str(d.memberId),
      relationship: code(SUBSCRIBER_RELATIONSHIP, d.relationship) ? concept(RELATIONSHIP, d.relationship) : undefined,
      period: period(d.period),
      payor: [payor],
      class: classes.length ? classes : undefined,
      order,
    }) as FhirObject;
  },
};
