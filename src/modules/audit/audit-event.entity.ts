import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One append-only audit event (the table refuses UPDATE). `details` never holds PHI or secrets. Table `audit_events`. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column({ type: 'uuid', nullable: true }) organizationId: string | null;
  @Column({ type: 'varchar', length: 20 }) actorType: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) actorId: string | null;
  @Column({ type: 'varchar', length: 80 }) action: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) targetType: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) targetId: string | null;
  @Column({ type: 'varchar', length: 20 }) outcome: string;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  @Column({ type: 'jsonb', default: {} }) details: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  /** Position in the organization's hash chain (set by the insert trigger). */
  @Column({ type: 'bigint', insert: false, update: false }) chainSeq: string;
}
