import { Get, Param, Query } from '@nestjs/common';
import type { Pool } from 'mysql2/promise';
import { OdApiError } from './api-error';
import { columnsJson } from './api-json';
import { OpenDentalApiEndpoint } from './endpoint.decorator';
import { Office, OfficeContext } from './gate.guard';
import { rows } from './office-db.service';
import { optDateTime, optInt, paging, param, pathKey, Query as Q, Where } from './params';

/** Lists rows of a small table in primary-key order, paged, as the API's JSON. */
async function list(office: OfficeContext, q: Q, table: string, pk: string, where: Where): Promise<Array<Record<string, unknown>>> {
  const { limit, offset } = paging(q, office.customer.maxLimit);
  const found = await rows(office.pool, `SELECT * FROM ${table} ${where} ORDER BY ${pk} LIMIT ? OFFSET ?`, [...where.values, limit, offset]);
  return found.map((row) => columnsJson(table, row));
}

async function one(pool: Pool, table: string, pk: string, id: string, what: string): Promise<Record<string, unknown>> {
  const [row] = await rows(pool, `SELECT * FROM ${table} WHERE ${pk} = ?`, [pathKey(id, pk)]);
  if (!row) throw OdApiError.notFound(`${what} not found`);
  return columnsJson(table, row);
}

/** Simulated `/patplans` ([OD-PATPLAN]): filters PatNum and InsSubNum only; Relationship as text ("InjuredPlantiff" as documented). */
@OpenDentalApiEndpoint('patplans')
export class SandboxPatPlansController {
  @Get()
  list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    return list(office, q, 'patplan', 'PatPlanNum', new Where().opt('PatNum = ?', optInt(q, 'PatNum')).opt('InsSubNum = ?', optInt(q, 'InsSubNum')));
  }
}

/** Simulated `/inssubs` ([OD-INSSUB]): filters PlanNum, Subscriber and SecDateTEdit (edited on or after). */
@OpenDentalApiEndpoint('inssubs')
export class SandboxInsSubsController {
  @Get()
  list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const where = new Where().opt('PlanNum = ?', optInt(q, 'PlanNum')).opt('Subscriber = ?', optInt(q, 'Subscriber')).opt('SecDateTEdit >= ?', optDateTime(q, 'SecDateTEdit'));
    return list(office, q, 'inssub', 'InsSubNum', where);
  }

  @Get(':InsSubNum')
  one(@Office() office: OfficeContext, @Param('InsSubNum') id: string): Promise<Record<string, unknown>> {
    return one(office.pool, 'inssub', 'InsSubNum', id, 'InsSub');
  }
}

const PLAN_TYPES: Record<string, string> = { percentage: '', p: 'p', f: 'f', c: 'c' };

/** Simulated `/insplans` ([OD-INSPLAN]): filters PlanType (percentage, p, f, c; percentage is stored blank) and CarrierNum; no change filter. */
@OpenDentalApiEndpoint('insplans')
export class SandboxInsPlansController {
  @Get()
  list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const planType = param(q, 'PlanType');
    if (planType !== undefined && !(planType.toLowerCase() in PLAN_TYPES)) throw OdApiError.badRequest('PlanType must be percentage, p, f or c.');
    const where = new Where().opt('PlanType = ?', planType === undefined ? undefined : PLAN_TYPES[planType.toLowerCase()]).opt('CarrierNum = ?', optInt(q, 'CarrierNum'));
    return list(office, q, 'insplan', 'PlanNum', where);
  }

  @Get(':PlanNum')
  one(@Office() office: OfficeContext, @Param('PlanNum') id: string): Promise<Record<string, unknown>> {
    return one(office.pool, 'insplan', 'PlanNum', id, 'InsPlan');
  }
}

/** Simulated `/carriers`. */
@OpenDentalApiEndpoint('carriers')
export class SandboxCarriersController {
  @Get()
  list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    return list(office, q, 'carrier', 'CarrierNum', new Where());
  }

  @Get(':CarrierNum')
  one(@Office() office: OfficeContext, @Param('CarrierNum') id: string): Promise<Record<string, unknown>> {
    return one(office.pool, 'carrier', 'CarrierNum', id, 'Carrier');
  }
}

/**
 * Simulated `GET /documents?PatNum=` ([OD-DOCS]): PatNum required (400 "PatNum is required"),
 * ordered by DateCreated; no file bytes (RawBase64, Thumbnail). The sandbox has no mounts.
 */
@OpenDentalApiEndpoint('documents')
export class SandboxDocumentsController {
  @Get()
  async list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const patNum = optInt(q, 'PatNum');
    if (patNum === undefined) throw OdApiError.badRequest('PatNum is required');
    const { limit, offset } = paging(q, office.customer.maxLimit);
    const [patient] = await rows(office.pool, 'SELECT PatNum FROM patient WHERE PatNum = ?', [patNum]);
    if (!patient) throw OdApiError.notFound('Patient not found');
    const found = await rows(office.pool, 'SELECT * FROM document WHERE PatNum = ? ORDER BY DateCreated, DocNum LIMIT ? OFFSET ?', [patNum, limit, offset]);
    return found.map((row) => columnsJson('document', row));
  }
}
