import { Body, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { API_ENUMS, appointmentJson } from './api-json';
import { appendNote, breakAppointment, confirmAppointment, getAppointmentRow, insertAppointment, updateAppointment } from './appointments.store';
import { OpenDentalApiEndpoint } from './endpoint.decorator';
import { Office, OfficeContext } from './gate.guard';
import { loadLookups, rows, serverNow } from './office-db.service';
import { bodyObject, optDate, optDateTime, optEnum, optInt, paging, pathKey, Query as Q, Where } from './params';
import { OpenDentalApiSandbox } from './sandbox-control.service';
import { findSlots, SlotJson } from './slots';

/** Simulated `/appointments` of OpenDental's REST API (§1.5, §1.6, [OD-APPT]); raw JSON bodies on purpose (see the patients controller). */
@OpenDentalApiEndpoint('appointments')
export class SandboxAppointmentsController {
  constructor(private readonly sandbox: OpenDentalApiSandbox) {}

  /**
   * GET /appointments: PatNum, AptStatus (by name), Op, date or dateStart/dateEnd (inclusive,
   * on AptDateTime), ClinicNum (0 = no clinic), DateTStamp ("altered after": strictly later),
   * AppointmentTypeNum. Ordered by AptNum; every row carries serverDateTime.
   */
  @Get()
  async list(@Office() office: OfficeContext, @Query() q: Q): Promise<Array<Record<string, unknown>>> {
    const { limit, offset } = paging(q, office.customer.maxLimit);
    const date = optDate(q, 'date');
    const where = new Where()
      .opt('PatNum = ?', optInt(q, 'PatNum')).opt('AptStatus = ?', optEnum(q, 'AptStatus', API_ENUMS.appointment.AptStatus))
      .opt('Op = ?', optInt(q, 'Op')).opt('ClinicNum = ?', optInt(q, 'ClinicNum'))
      .opt('DateTStamp > ?', optDateTime(q, 'DateTStamp')).opt('AppointmentTypeNum = ?', optInt(q, 'AppointmentTypeNum'))
      .opt('AptDateTime >= ?', date ?? optDate(q, 'dateStart'))
      .opt('AptDateTime < DATE_ADD(?, INTERVAL 1 DAY)', date ?? optDate(q, 'dateEnd'));
    const now = await serverNow(office.pool);
    const found = await rows(office.pool, `SELECT * FROM appointment ${where} ORDER BY AptNum LIMIT ? OFFSET ?`, [...where.values, limit, offset]);
    const lookups = await loadLookups(office.pool);
    return found.map((row) => appointmentJson(row, lookups, now));
  }

  /** GET /appointments/Slots: open blocks (see findSlots). */
  @Get('Slots')
  async slots(@Office() office: OfficeContext, @Query() q: Q): Promise<SlotJson[]> {
    const { limit, offset } = paging(q, office.customer.maxLimit);
    return (await findSlots(office.pool, q, this.sandbox.officeHours)).slice(offset, offset + limit);
  }

  /** GET /appointments/{AptNum}, or 404 "Appointment not found". */
  @Get(':AptNum')
  async one(@Office() office: OfficeContext, @Param('AptNum') aptNum: string): Promise<Record<string, unknown>> {
    const row = await getAppointmentRow(office.pool, pathKey(aptNum, 'AptNum'));
    return appointmentJson(row, await loadLookups(office.pool), await serverNow(office.pool));
  }

  /** POST /appointments: 201 with `Location` and the new appointment (see insertAppointment). */
  @Post()
  async create(@Office() office: OfficeContext, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const aptNum = await insertAppointment(office.pool, bodyObject(body));
    res.status(201).setHeader('Location', `${office.baseUrl}/appointments/${aptNum}`);
    return appointmentJson(await getAppointmentRow(office.pool, aptNum), await loadLookups(office.pool), await serverNow(office.pool));
  }

  /** PUT /appointments/{AptNum}: the appointment as updated (see updateAppointment). */
  @Put(':AptNum')
  async update(@Office() office: OfficeContext, @Param('AptNum') aptNum: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const key = pathKey(aptNum, 'AptNum');
    await updateAppointment(office.pool, key, bodyObject(body));
    return appointmentJson(await getAppointmentRow(office.pool, key), await loadLookups(office.pool), await serverNow(office.pool));
  }

  /** PUT /appointments/{AptNum}/Break: 200 with no body. */
  @Put(':AptNum/Break')
  @HttpCode(200)
  async break(@Office() office: OfficeContext, @Param('AptNum') aptNum: string, @Body() body: unknown): Promise<void> {
    await breakAppointment(office.pool, pathKey(aptNum, 'AptNum'), bodyObject(body));
  }

  /** PUT /appointments/{AptNum}/Confirm: 200 with no body. */
  @Put(':AptNum/Confirm')
  @HttpCode(200)
  async confirm(@Office() office: OfficeContext, @Param('AptNum') aptNum: string, @Body() body: unknown): Promise<void> {
    await confirmAppointment(office.pool, pathKey(aptNum, 'AptNum'), bodyObject(body));
  }

  /** PUT /appointments/{AptNum}/Note: appends a line; 200 with no body. */
  @Put(':AptNum/Note')
  @HttpCode(200)
  async note(@Office() office: OfficeContext, @Param('AptNum') aptNum: string, @Body() body: unknown): Promise<void> {
    await appendNote(office.pool, pathKey(aptNum, 'AptNum'), bodyObject(body));
  }
}
