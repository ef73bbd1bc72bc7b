import { Get, Param, Query } from '@nestjs/common';
import { OdApiError } from './api-error';
import { operatoryJson, providerJson } from './api-json';
import { OpenDentalApiEndpoint } from './endpoint.decorator';
import { Office, OfficeContext } from './gate.guard';
import { loadLookups, rows, serverNow } from './office-db.service';
import { optDateTime, optInt, paging, pathKey, Query as Q, Where } from './params';

/** Simulated `/providers` ([OD-PROV]). */
@OpenDentalApiEndpoint('providers')
export class SandboxProvidersController {
  /**
   * GET /providers: optional `ClinicNum` (non-hidden providers only, and then NO serverDateTime,
   * as documented; the sandbox restricts no provider to a clinic) and `DateTStamp` ("altered
   * after": strictly later). Ordered by ProvNum.
   */
  @Get()
  async list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const { limit, offset } = paging(q, office.customer.maxLimit);
    const clinicNum = optInt(q, 'ClinicNum');
    const where = new Where().opt('DateTStamp > ?', optDateTime(q, 'DateTStamp'));
    if (clinicNum !== undefined) where.add('IsHidden = 0');
    const now = await serverNow(office.pool);
    const found = await rows(office.pool, `SELECT * FROM provider ${where} ORDER BY ProvNum LIMIT ? OFFSET ?`, [...where.values, limit, offset]);
    return found.map((row) => providerJson(row, clinicNum === undefined ? now : null));
  }

  /** GET /providers/{ProvNum}. */
  @Get(':ProvNum')
  async one(@Office() office: OfficeContext, @Param('ProvNum') provNum: string): Promise<Record<string, unknown>> {
    const [row] = await rows(office.pool, 'SELECT * FROM provider WHERE ProvNum = ?', [pathKey(provNum, 'ProvNum')]);
    if (!row) throw OdApiError.notFound('Provider not found');
    return providerJson(row, await serverNow(office.pool));
  }
}

/** Simulated `/operatories` ([OD-OPS]): optional ClinicNum, no DateTStamp filter and no DateTStamp field. */
@OpenDentalApiEndpoint('operatories')
export class SandboxOperatoriesController {
  @Get()
  async list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const { limit, offset } = paging(q, office.customer.maxLimit);
    const where = new Where().opt('ClinicNum = ?', optInt(q, 'ClinicNum'));
    const found = await rows(office.pool, `SELECT * FROM operatory ${where} ORDER BY OperatoryNum LIMIT ? OFFSET ?`, [...where.values, limit, offset]);
    const lookups = await loadLookups(office.pool);
    return found.map((row) => operatoryJson(row, lookups));
  }

  @Get(':OperatoryNum')
  async one(@Office() office: OfficeContext, @Param('OperatoryNum') opNum: string): Promise<Record<string, unknown>> {
    const [row] = await rows(office.pool, 'SELECT * FROM operatory WHERE OperatoryNum = ?', [pathKey(opNum, 'OperatoryNum')]);
    if (!row) throw OdApiError.notFound('Operatory not found');
    return operatoryJson(row, await loadLookups(office.pool));
  }
}
