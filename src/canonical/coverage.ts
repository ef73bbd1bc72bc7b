import type { Address, Period, RecordLink } from './datatypes';
import type { CoverageStatus, CoverageType, SubscriberRelationship } from './value-sets';

/** The insurer paying a coverage (FHIR Coverage.payor, an Organization). */
export interface Payer {
  /** The source's carrier key. */
  externalId: string | null;
  name: string | null;
  /** Payer id for electronic claims (EDI). */
  electronicId: string | null;
  phone: string | null;
  address: Address | null;
}

/** A canonical insurance coverage, after FHIR R4 Coverage (http://hl7.org/fhir/R4/coverage.html). */
export interface Coverage {
  status: CoverageStatus;
  type: CoverageType | null;
  /** The patient covered (FHIR beneficiary). */
  beneficiary: RecordLink | null;
  /** The policy holder (a `patients` record), and the holder's id at the payer. */
  subscriber: RecordLink | null;
  subscriberId: string | null;
  /** The beneficiary's member id when it differs from the subscriber's. */
  memberId: string | null;
  relationship: SubscriberRelationship | null;
  /** The vendor's own relationship code, verbatim. */
  sourceRelationship: string | null;
  /** 1 = primary, 2 = secondary… (FHIR Coverage.order). */
  order: number | null;
  period: Period;
  payer: Payer;
  /** The employer group (FHIR Coverage.class `group`). */
  groupName: string | null;
  groupNumber: string | null;
  /** The source's plan key, and the plan kind as the source names it (ppo, hmo, capitation…). */
  plan: RecordLink | null;
  planType: string | null;
  /** Benefits are paid to the practice; the patient has released information to the payer. */
  assignmentOfBenefits: boolean | null;
  releaseOfInformation: boolean | null;
}
