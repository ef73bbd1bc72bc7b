import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { AuditService } from './audit.service';
import { AuditExportQueryDto, AuditPageDto, AuditQueryDto, AuditVerificationDto } from './dtos/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: "List this organization's audit events, newest first" })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() q: AuditQueryDto, @Auth() auth: OrgAuth): Promise<AuditPageDto> {
    const page = await this.audit.list(auth.organizationId, { ...q, limit: q.limit ?? 100 });
    return {
      nextCursor: page.nextCursor,
      data: page.data.map(({ id, actorType, actorId, action, targetType, targetId, outcome, requestId, details, createdAt }) => ({
        id, actorType, actorId, action, targetType, targetId, outcome, requestId, details, createdAt,
      })),
    };
  }

  @Get('verify')
  @ApiOperation({ summary: "Verify this organization's audit hash chain", description: 'Recomputes every event hash in chain order and names the first event that was altered, unlinked or preceded by a missing one.' })
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(@Auth() auth: OrgAuth): Promise<AuditVerificationDto> {
    return this.audit.verify(auth.organizationId);
  }

  @Get('export')
  @ApiOperation({ summary: 'Export audit events as NDJSON, oldest first', description: 'One JSON object a line (the list fields plus chainSeq), streamed in pages; `from` inclusive, `to` exclusive.' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON stream of audit events.' })
  async export(@Query() q: AuditExportQueryDto, @Auth() auth: OrgAuth, @Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    for await (const rows of this.audit.export(auth.organizationId, q.from, q.to)) {
      const text = rows.map(({ id, chainSeq, actorType, actorId, action, targetType, targetId, outcome, requestId, details, createdAt }) =>
        JSON.stringify({ id, chainSeq: Number(chainSeq), actorType, actorId, action, targetType, targetId, outcome, requestId, details, createdAt })).join('\n');
      if (!res.write(`${text}\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }
}
