import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import { NexHealthAdminEndpoint } from './endpoint.decorator';
import { NexApiError, NexEnvelope, ok } from './envelope';
import { bodyObject, pathId } from './params';
import { NexHealthControlSettings, NexHealthSandbox } from './sandbox-control.service';
import { bookAppointment, createPatient, MutationResult, updateAppointment, updatePatient } from './sandbox-mutations';
import { NexHealthRateLimits } from './sandbox-options';
import { DeliveryAttempt } from './webhook-dispatcher';

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw NexApiError.badRequest(`${name} must be a number ≥ 0`);
  return value;
}

/**
 * Sandbox-only admin routes (`/sandbox/nexhealth/_admin/*`, header `Authorization: <API_KEY>`)
 * for demos and end-to-end tests: change data as the office would (every change bumps
 * `updated_at` and delivers signed webhooks to subscribed endpoints), tune limits and token
 * lifetime, revoke tokens, and read the delivery log. See README.md for bodies.
 */
@NexHealthAdminEndpoint()
export class NexAdminController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /** GET /_admin/state: subdomain, location ids, row counts per table and the current settings. */
  @Get('state')
  state(): NexEnvelope<Record<string, unknown>> {
    const i = this.sandbox.institution;
    const counts = Object.fromEntries((['locations', 'providers', 'operatories', 'patients', 'appointments', 'coverages', 'documents', 'balances'] as const)
      .map((name) => [name, i[name].size]));
    return ok({ subdomain: i.subdomain, institutionId: i.id, locationIds: [...i.locations.keys()], counts, settings: this.sandbox.currentSettings() });
  }

  /** POST /_admin/control `{ tokenLifetimeSeconds?, rateLimits?: { perSecond?, appointmentsPerSecond?, patientsAppointmentsPerMinute?, otherPerMinute? }, webhookTimeScale? }`. */
  @Post('control')
  @HttpCode(200)
  control(@Body() body: unknown): NexEnvelope<NexHealthControlSettings> {
    const input = bodyObject(body);
    const limits = input.rateLimits === undefined ? undefined : bodyObject(input.rateLimits);
    const rateLimits: Partial<NexHealthRateLimits> = {};
    for (const name of ['perSecond', 'appointmentsPerSecond', 'patientsAppointmentsPerMinute', 'otherPerMinute'] as const) {
      const value = nonNegative(limits?.[name], `rateLimits.${name}`);
      if (value !== undefined) rateLimits[name] = value;
    }
    return ok(this.sandbox.configure({
      tokenLifetimeSeconds: nonNegative(input.tokenLifetimeSeconds, 'tokenLifetimeSeconds'),
      webhookTimeScale: nonNegative(input.webhookTimeScale, 'webhookTimeScale'),
      rateLimits,
    }));
  }

  /** POST /_admin/rate_limits/reset: NexHealth's limits again, counters cleared. */
  @Post('rate_limits/reset')
  @HttpCode(200)
  resetLimits(): NexEnvelope<NexHealthControlSettings> {
    this.sandbox.resetRateLimits();
    return ok(this.sandbox.currentSettings());
  }

  /** POST /_admin/tokens/expire: revokes every bearer token (`data.expired` = how many). */
  @Post('tokens/expire')
  @HttpCode(200)
  expireTokens(): NexEnvelope<{ expired: number }> {
    return ok({ expired: this.sandbox.expireAllTokens() });
  }

  /** POST /_admin/reset `{ seed?, patients? }`: regenerates the institution (webhook endpoints stay). */
  @Post('reset')
  @HttpCode(200)
  reset(@Body() body: unknown): NexEnvelope<Record<string, unknown>> {
    const input = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const institution = this.sandbox.reset({ seed: nonNegative(input.seed, 'seed'), patients: nonNegative(input.patients, 'patients') });
    return ok({ patients: institution.patients.size, appointments: institution.appointments.size });
  }

  /** POST /_admin/patients `{ first_name, last_name, location_id?, email?, bio?: {...} }` → 201, delivers patient_created. */
  @Post('patients')
  @HttpCode(201)
  createPatient(@Body() body: unknown): Promise<MutationResult<Record<string, unknown>>> {
    return createPatient(this.sandbox, bodyObject(body));
  }

  /** POST /_admin/patients/{id} `{ first_name?, last_name?, email?, inactive?, foreign_id?, bio?: {...} }`, delivers patient_updated. */
  @Post('patients/:id')
  @HttpCode(200)
  updatePatient(@Param('id') id: string, @Body() body: unknown): Promise<MutationResult<Record<string, unknown>>> {
    return updatePatient(this.sandbox, pathId(id), bodyObject(body));
  }

  /** POST /_admin/appointments `{ patient_id, start_time, end_time?, provider_id?, operatory_id?, note? }` → 201, delivers appointment_created. */
  @Post('appointments')
  @HttpCode(201)
  bookAppointment(@Body() body: unknown): Promise<MutationResult<unknown>> {
    return bookAppointment(this.sandbox, bodyObject(body));
  }

  /** POST /_admin/appointments/{id} `{ cancelled?, confirmed?, start_time?, end_time?, note?, operatory_id? }`, delivers appointment_updated. */
  @Post('appointments/:id')
  @HttpCode(200)
  updateAppointment(@Param('id') id: string, @Body() body: unknown): Promise<MutationResult<unknown>> {
    return updateAppointment(this.sandbox, pathId(id), bodyObject(body));
  }

  /** GET /_admin/webhook_deliveries: every delivery attempt (endpointId, event, attempt, status, ok), oldest first. */
  @Get('webhook_deliveries')
  deliveries(): NexEnvelope<DeliveryAttempt[]> {
    return ok(this.sandbox.deliveries());
  }
}
