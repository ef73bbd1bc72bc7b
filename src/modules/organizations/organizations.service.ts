import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommonException } from '../../common/domain-exception';
import { ApiKey } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { Organization } from './organization.entity';

/** Organizations (tenants). */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeysService,
  ) {}

  /** Creates an organization with its first API key; both or neither are written. */
  async create(name: string): Promise<{ organization: Organization; apiKey: ApiKey; key: string }> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.save(manager.create(Organization, { name }));
      const scoped = new ApiKeysService(manager.getRepository(ApiKey));
      const { apiKey, key } = await scoped.create(organization.id, 'default');
      return { organization, apiKey, key };
    });
  }

  /** @throws CommonException 404 when it does not exist. */
  async get(id: string): Promise<Organization> {
    const organization = await this.dataSource.getRepository(Organization).findOne({ where: { id } });
    if (!organization) throw CommonException.notFound('Organization');
    return organization;
  }

  get keysService(): ApiKeysService {
    return this.keys;
  }
}
