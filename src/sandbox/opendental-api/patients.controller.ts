import { Body, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OdApiError } from './api-error';
import { API_ENUMS, patientJson } from './api-json';
import { OpenDentalApiEndpoint } from './endpoint.decorator';
import { Office, OfficeContext } from './gate.guard';
import { loadLookups, rows, serverNow } from './office-db.service';
import { bodyObject, optDate, optDateTime, optEnum, optInt, paging, param, pathKey, Query as Q, Where } from './params';
import { findDuplicate, getPatientRow, insertPatient, patientValues } from './patients.store';

/**
 * Simulated `/patients` of OpenDental's REST API (§1.5, [OD-PAT]). Bodies are read as raw JSON
 * on purpose (no DTO): the sandbox must accept and refuse exactly what OpenDental does and
 * answer in its error format (a JSON string), not the hub's validation format.
 */
@OpenDentalApiEndpoint('patients')
export class SandboxPatientsController {
  /**
   * GET /patients/Simple: every parameter optional (LName/FName partial and case-insensitive,
   * Birthdate, ClinicNum, PatStatus by name, DateTStamp "altered after" (strictly later), PriProv,
   * Gender, Position, Guarantor, SuperFamily, EmployerNum, FeeSched). Ordered by PatNum, not by
   * DateTStamp; includes Deleted patients; every row carries serverDateTime.
   */
  @Get('Simple')
  async simple(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const { limit, offset } = paging(q, office.customer.maxLimit);
    const e = API_ENUMS.patient;
    const lname = param(q, 'LName');
    const fname = param(q, 'FName');
    const where = new Where()
      .opt("LName LIKE CONCAT('%', ?, '%')", lname).opt("FName LIKE CONCAT('%', ?, '%')", fname)
      .opt('Birthdate = ?', optDate(q, 'Birthdate')).opt('ClinicNum = ?', optInt(q, 'ClinicNum'))
      .opt('PatStatus = ?', optEnum(q, 'PatStatus', e.PatStatus)).opt('DateTStamp > ?', optDateTime(q, 'DateTStamp'))
      .opt('PriProv = ?', optInt(q, 'PriProv')).opt('Gender = ?', optEnum(q, 'Gender', e.Gender))
      .opt('Position = ?', optEnum(q, 'Position', e.Position)).opt('Guarantor = ?', optInt(q, 'Guarantor'))
      .opt('SuperFamily = ?', optInt(q, 'SuperFamily')).opt('EmployerNum = ?', optInt(q, 'EmployerNum'))
      .opt('FeeSched = ?', optInt(q, 'FeeSched'));
    const now = await serverNow(office.pool);
    const found = await rows(office.pool, `SELECT * FROM patient ${where} ORDER BY PatNum LIMIT ? OFFSET ?`, [...where.values, limit, offset]);
    const lookups = await loadLookups(office.pool);
    return found.map((row) => patientJson(row, lookups, now));
  }

  /** GET /patients/{PatNum}: the full patient, or 404 "Patient not found". */
  @Get(':PatNum')
  async one(@Office() office: OfficeContext, @Param('PatNum') patNum: string): Promise<Record<string, unknown>> {
    const row = await getPatientRow(office.pool, pathKey(patNum, 'PatNum'));
    return patientJson(row, await loadLookups(office.pool));
  }

  /**
   * POST /patients: LName and FName required. When the duplicate check finds the patient
   * (same LName, FName, Birthdate and Email or a phone), nothing is created and the EXISTING
   * patient is returned with 200 OK; a new patient answers 201 with a Location header.
   */
  @Post()
  async create(@Office() office: OfficeContext, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const values = patientValues(bodyObject(body), true);
    for (const field of ['LName', 'FName']) if (!values[field]) throw OdApiError.badRequest(`${field} is required.`);
    const duplicate = await findDuplicate(office.pool, values);
    const lookups = await loadLookups(office.pool);
    if (duplicate) {
      res.status(200);
      return patientJson(duplicate, lookups);
    }
    const patNum = await insertPatient(office.pool, values);
    res.status(201).setHeader('Location', `${office.baseUrl}/patients/${patNum}`);
    return patientJson(await getPatientRow(office.pool, patNum), lookups);
  }

  /** PUT /patients/{PatNum}: fields left out are unchanged, "" clears (not LName/FName); Deleted patients cannot be modified. */
  @Put(':PatNum')
  async update(@Office() office: OfficeContext, @Param('PatNum') patNum: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const key = pathKey(patNum, 'PatNum');
    const values = patientValues(bodyObject(body), false);
    for (const field of ['LName', 'FName']) if (values[field] === '') throw OdApiError.badRequest(`${field} cannot be blank.`);
    const current = await getPatientRow(office.pool, key);
    if (Number(current.PatStatus) === 4) throw OdApiError.badRequest('Patient is deleted and cannot be modified.');
    if (Object.keys(values).length) await office.pool.query('UPDATE patient SET ? WHERE PatNum = ?', [values, key]);
    return patientJson(await getPatientRow(office.pool, key), await loadLookups(office.pool));
  }
}
