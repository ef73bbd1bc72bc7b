import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * An integration's webhook configuration (one per integration). Secrets are AES-256-GCM
 * ciphertexts bound to the endpoint id; after a rotation the previous secret verifies until
 * `previousSecretExpiresAt`. Table `webhook_endpoints`.
 */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'uuid' }) integrationId: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) events: string[];
  @Column({ type: 'varchar', length: 40 }) signatureAlgorithm: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) signatureHeader: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) deliveryIdHeader: string | null;
  @Column({ type: 'bytea', nullable: true, select: false }) secretCiphertext: Buffer | null;
  @Column({ type: 'bytea', nullable: true, select: false }) previousSecretCiphertext: Buffer | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretExpiresAt: Date | null;
  /** What was registered at the vendor (its endpoint and subscription ids); null = nothing. */
  @Column({ type: 'jsonb', nullable: true }) vendorRegistration: { vendorEndpointId: string; subscriptionIds: string[]; targetUrl: string } | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
