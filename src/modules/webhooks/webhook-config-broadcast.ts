import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import IORedis from 'ioredis';
import { REDIS } from '../../queue/queue.module';

/** Redis pub/sub channel of webhook configuration changes (message: the integration id). Channels span Redis databases. */
export const WEBHOOK_CONFIG_CHANNEL = 'ehr-sync-hub:webhook-config-changed';

/**
 * Tells every API node at once that an integration's webhook configuration changed (created,
 * rotated, deleted, its integration disabled or deleted), so each drops its cached copy instead
 * of verifying with it until the cache expires. Redis pub/sub
 * (https://redis.io/docs/latest/develop/interact/pubsub/): at-most-once, so the receiver's short
 * cache lifetime stays the bound when a message is lost (a node reconnecting, for example).
 */
@Injectable()
export class WebhookConfigBroadcast implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookConfigBroadcast.name);
  private subscriber: IORedis | null = null;
  private readonly listeners: Array<(integrationId: string) => void> = [];

  constructor(@Inject(REDIS) private readonly redis: IORedis) {}

  async onModuleInit(): Promise<void> {
    // A connection in subscriber mode takes no other command: a duplicate of the shared one.
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (channel: string, integrationId: string) => {
      if (channel === WEBHOOK_CONFIG_CHANNEL) for (const listener of this.listeners) listener(integrationId);
    });
    this.subscriber.on('error', (error: Error) => this.logger.warn({ errorClass: error?.name }, 'webhook configuration subscriber error'));
    await this.subscriber.subscribe(WEBHOOK_CONFIG_CHANNEL);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  /** Calls `listener` with the integration id of every change announced by any node (this one included). */
  onChange(listener: (integrationId: string) => void): void {
    this.listeners.push(listener);
  }

  /** Announces a change; a Redis failure is logged, not thrown (each node's cache still expires). */
  async announce(integrationId: string): Promise<void> {
    await this.redis.publish(WEBHOOK_CONFIG_CHANNEL, integrationId).catch((error: Error) =>
      this.logger.warn({ integrationId, errorClass: error?.name }, 'webhook configuration change not announced'));
  }
}
