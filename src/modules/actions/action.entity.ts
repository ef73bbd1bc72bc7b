import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ActionStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/**
 * One write-back action and its idempotency key. The payload holds PHI (names, dates of birth),
 * so it is stored encrypted and the queue job carries only the action id. Table `actions`.
 */
@Entity('actions')
export class Action {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) organizationId: string;
  @Column({ type: 'uuid' }) integrationId: string;
  @Column({ type: 'varchar', length: 40 }) type: string;
  @Column({ type: 'varchar', length: 255 }) idempotencyKey: string;
  @Column({ type: 'char', length: 64 }) requestHash: string;
  @Column({ type: 'varchar', length: 10, default: 'sync' }) mode: 'sync' | 'async';
  @Column({ type: 'varchar', length: 20, default: 'pending' }) status: ActionStatus;
  @Column({ type: 'bytea', select: false }) payloadCiphertext: Buffer;
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, unknown> | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) errorCode: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) errorMessage: string | null;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
}
