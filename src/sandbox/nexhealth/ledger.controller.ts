import { Get, Query } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexApiError, NexEnvelope, ok } from './envelope';
import { NexCoverage, NexGuarantorBalance } from './institution';
import { cursorPage, updatedSince } from './paging';
import { optBool, optDateTime, optInt, Query as Q } from './params';
import { NexHealthSandbox } from './sandbox-control.service';
import { scope } from './scope';

/** Simulated `/insurance_coverages` (§3, [NEX-OAS] getInsuranceCoverages). */
@NexHealthEndpoint('insurance_coverages')
export class NexCoveragesController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /** GET /insurance_coverages: `subdomain` required; `patient_id`, `updated_since` (inclusive), `active` (default true); cursor paging. */
  @Get()
  list(@Query() q: Q): NexEnvelope<NexCoverage[]> {
    const { institution } = scope(this.sandbox.institution, q, 'none');
    const patientId = optInt(q, 'patient_id');
    const active = optBool(q, 'active') ?? true;
    let rows = [...institution.coverages.values()].filter((c) => c.active === active && (patientId === undefined || c.patient_id === patientId));
    rows = updatedSince(rows, optDateTime(q, 'updated_since'));
    const page = cursorPage(rows, q);
    return ok(page.data.map((c) => ({ ...c })), 'Success', { page_info: page.page_info });
  }
}

/** Simulated `/guarantor_balances` (§3, [NEX-OAS] getGuarantorBalances). */
@NexHealthEndpoint('guarantor_balances')
export class NexGuarantorBalancesController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /**
   * GET /guarantor_balances: `subdomain` and `location_id` required, and at least one of
   * `guarantor_id` or `updated_since` (as the OpenAPI says) → else 400; `show_zero_balances`
   * (default false hides balances whose total is 0.00); cursor paging.
   */
  @Get()
  list(@Query() q: Q): NexEnvelope<NexGuarantorBalance[]> {
    const { institution, locationId } = scope(this.sandbox.institution, q, 'required');
    const guarantorId = optInt(q, 'guarantor_id');
    const since = optDateTime(q, 'updated_since');
    if (guarantorId === undefined && since === undefined) throw NexApiError.badRequest('guarantor_id or updated_since is required');
    const showZero = optBool(q, 'show_zero_balances') ?? false;
    let rows = [...institution.balances.values()].filter((b) => b.location_id === locationId
      && (guarantorId === undefined || b.guarantor_id === guarantorId)
      && (showZero || Number(b.total_balance.amount) !== 0));
    rows = updatedSince(rows, since);
    const page = cursorPage(rows, q);
    return ok(page.data.map((b) => structuredClone(b)), 'Success', { page_info: page.page_info });
  }
}
