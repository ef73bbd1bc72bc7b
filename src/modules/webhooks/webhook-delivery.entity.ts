import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** `held`: stored for a disabled integration, processed once it is enabled again (WebhookHoldsService). */
export type WebhookDeliveryStatus = 'pending' | 'processing' | 'succeeded' | 'failed' | 'held';
export const WEBHOOK_DELIVERY_STATUSES: WebhookDeliveryStatus[] = ['pending', 'processing', 'succeeded', 'failed', 'held'];

/**
 * One accepted delivery. The payload is PHI: stored encrypted, bound to the row id; the queue job
 * carries the id only. Unique on (integration, delivery id). Table `webhook_deliveries`.
 */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'uuid' }) integrationId: string;
  @Column({ type: 'uuid' }) endpointId: string;
  @Column({ type: 'varchar', length: 255 }) deliveryId: string;
  @Column({ type: 'varchar', length: 20, default: 'pending' }) status: WebhookDeliveryStatus;
  @Column({ type: 'bytea', select: false }) payloadCiphertext: Buffer;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'integer', nullable: true }) changedCount: number | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) errorCode: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) errorMessage: string | null;
  @Column({ type: 'timestamptz' }) receivedAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) processedAt: Date | null;
}
