import { HttpCode, Post } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexEnvelope, ok } from './envelope';
import { ApiKeyHash } from './gate.guard';
import { NexHealthSandbox } from './sandbox-control.service';

/** Simulated `POST /authenticates` (§3 [NEX-AUTH]). */
@NexHealthEndpoint()
export class NexAuthController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /**
   * Exchanges `Authorization: <API_KEY>` (checked by the gate: unknown → 401) for a bearer
   * token lasting the configured lifetime (default 24 h, as NexHealth's sandbox). 201 with
   * `{ code: true, data: { token }, description: "Authenticated", error: [] }`.
   */
  @Post('authenticates')
  @HttpCode(201)
  authenticate(@ApiKeyHash() keyHash: string): NexEnvelope<{ token: string }> {
    const token = this.sandbox.tokens.issue(keyHash, this.sandbox.settings.tokenLifetimeSeconds * 1000);
    return ok({ token }, 'Authenticated');
  }
}
