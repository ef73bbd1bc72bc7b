import type { RecordLink } from './datatypes';

/** Amounts by age, in whole currency units (dollars). */
export interface BalanceAging {
  under30: number | null;
  days31to60: number | null;
  days61to90: number | null;
  over90: number | null;
}

/**
 * A guarantor's account balance. FHIR R4 has no Balance resource (Account.balance is R5), so
 * this follows the PMS aging report; amounts are in whole currency units (dollars), ISO 4217
 * `currency`. Not served by the FHIR read API.
 */
export interface Balance {
  guarantor: RecordLink | null;
  location: RecordLink | null;
  currency: string;
  total: number | null;
  insuranceEstimate: number | null;
  guarantorPortion: number | null;
  writeOffEstimate: number | null;
  aging: BalanceAging;
}
