import { Injectable } from '@nestjs/common';
import { RecordsService } from '../records/records.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { ActionException, ActionExceptionCode } from './action.exception';
import { SlotProviderDto } from './dtos/action.dto';

/** Query of `GET /integrations/:id/appointment-slots`: office-local days, our provider/location ids. */
export interface SlotQuery {
  dateStart: string;
  dateEnd: string;
  lengthMinutes?: number;
  providerId?: string;
  operatoryId?: string;
}

/**
 * Open appointment blocks from the vendor (`writeBack.findSlots`), grouped by provider and
 * office-local day. Our provider and location ids are turned into the vendor's ids first.
 */
@Injectable()
export class SlotsService {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly records: RecordsService,
  ) {}

  /** @throws 404 unknown integration, provider or location; 400 when the vendor has no slots capability or dates are reversed. */
  async find(organizationId: string, integrationId: string, q: SlotQuery): Promise<SlotProviderDto[]> {
    if (q.dateEnd < q.dateStart) {
      throw new ActionException(ActionExceptionCode.INVALID_PAYLOAD, 'dateEnd must not be before dateStart', [{ field: 'dateEnd', errors: ['dateEnd must not be before dateStart'] }]);
    }
    const integration = await this.integrations.get(organizationId, integrationId);
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    if (!adapter.writeBack) throw new ActionException(ActionExceptionCode.NOT_SUPPORTED, `Vendor ${integration.vendor} does not offer appointment slots`);
    const providerExternalId = q.providerId ? (await this.records.get(organizationId, 'providers', q.providerId)).external_id : undefined;
    const locationExternalId = q.operatoryId ? (await this.records.get(organizationId, 'locations', q.operatoryId)).external_id : undefined;
    const slots = await adapter.writeBack.findSlots(ctx, { dateStart: q.dateStart, dateEnd: q.dateEnd, lengthMinutes: q.lengthMinutes, providerExternalId, locationExternalId });
    const byProvider = new Map<string, Map<string, SlotProviderDto['days'][number]['slots']>>();
    for (const slot of slots) {
      if (q.lengthMinutes && Date.parse(slot.end) - Date.parse(slot.start) < q.lengthMinutes * 60_000) continue;
      const provider = slot.providerExternalId ?? '';
      const days = byProvider.get(provider) ?? new Map();
      byProvider.set(provider, days);
      const list = days.get(slot.localDate) ?? [];
      days.set(slot.localDate, list);
      list.push({ start: slot.start, end: slot.end, locationExternalId: slot.locationExternalId });
    }
    return [...byProvider].map(([provider, days]) => ({
      providerExternalId: provider || null,
      days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, list]) => ({ date, slots: list.sort((a, b) => a.start.localeCompare(b.start)) })),
    }));
  }
}
