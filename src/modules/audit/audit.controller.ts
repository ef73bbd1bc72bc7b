import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { AuditService } from './audit.service';
import { AuditPageDto, AuditQueryDto } from './dtos/audit.dto';

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
}
