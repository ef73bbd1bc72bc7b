import { Injectable } from '@nestjs/common';
import { CommonException } from '../../common/domain-exception';
import { Page } from '../../common/pagination';
import { ResourceType } from '../../providers/provider-adapter';
import { RecordQuery, RecordRow, RecordsRepository } from './records.repository';

export type { RecordQuery, RecordRow } from './records.repository';

/**
 * Reads canonical records for the API and other modules, always scoped by organization
 * (another organization's record is not found). The SQL is {@link RecordsRepository}'s.
 */
@Injectable()
export class RecordsService {
  constructor(private readonly repository: RecordsRepository) {}

  /** One page of a resource (see {@link RecordsRepository.list}). @throws 400 for a malformed cursor. */
  list(organizationId: string, resource: ResourceType, q: RecordQuery, withRaw = false): Promise<Page<RecordRow>> {
    return this.repository.list(organizationId, resource, q, withRaw);
  }

  /** One record by our id, deleted ones included (with `deletedAt`). @throws 404. */
  async get(organizationId: string, resource: ResourceType, id: string): Promise<RecordRow> {
    const row = await this.repository.findById(organizationId, resource, id);
    if (!row) throw CommonException.notFound(resource.replace(/s$/, '').replace(/^./, (c) => c.toUpperCase()));
    return row;
  }

  /** Patients linked to `rootId` (same organization), in link order, deleted ones included. */
  linkedTo(organizationId: string, rootId: string): Promise<RecordRow[]> {
    return this.repository.linkedTo(organizationId, rootId);
  }
}
