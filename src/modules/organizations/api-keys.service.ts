import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { CommonException } from '../../common/domain-exception';
import { safeEqual, sha256Hex } from '../../common/crypto';
import { ApiKey } from './api-key.entity';

const KEY_PATTERN = /^(ehk_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/**
 * API keys: `ehk_<12 hex prefix>_<43 base64url chars>` (256 random bits). Stored as SHA-256 of
 * the whole key; looked up by the unique prefix and compared in constant time. The plaintext
 * exists only in the response that creates it.
 */
@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKey) private readonly repo: Repository<ApiKey>) {}

  /** Creates a key; returns the row and the plaintext key (shown once). */
  async create(organizationId: string, name: string): Promise<{ apiKey: ApiKey; key: string }> {
    const prefix = `ehk_${randomBytes(6).toString('hex')}`;
    const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.repo.save(this.repo.create({ organizationId, name, prefix, keyHash: sha256Hex(key) }));
    return { apiKey, key };
  }

  /** Returns the active key matching `token`, or null. Touches `lastUsedAt` at most once a minute. */
  async verify(token: string): Promise<ApiKey | null> {
    const match = KEY_PATTERN.exec(token);
    if (!match) return null;
    const found = await this.repo
      .createQueryBuilder('k')
      .addSelect('k.keyHash')
      .where('k.prefix = :prefix AND k.revokedAt IS NULL', { prefix: match[1] })
      .getOne();
    if (!found || !safeEqual(found.keyHash, sha256Hex(token))) return null;
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) {
      await this.repo.update({ id: found.id }, { lastUsedAt: new Date() });
    }
    return found;
  }

  list(organizationId: string): Promise<ApiKey[]> {
    return this.repo.find({ where: { organizationId }, order: { createdAt: 'ASC' } });
  }

  /** Revokes a key of this organization. @throws CommonException 404 for another organization's or an unknown key. */
  async revoke(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.repo.findOne({ where: { id, organizationId } });
    if (!key) throw CommonException.notFound('API key');
    if (!key.revokedAt) {
      await this.repo.update({ id, organizationId, revokedAt: IsNull() }, { revokedAt: new Date() });
      key.revokedAt = new Date();
    }
    return key;
  }
}
