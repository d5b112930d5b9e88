import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

/** A partner's API key: only a keyed hash of its secret is stored; the key itself is shown once. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The public part of the key, used to find it. */
  @Index('api_keys_public_id_unique', { unique: true })
  @Column({ type: 'text' })
  publicId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  /** HMAC-SHA256 of the secret with the server's API_KEY_HASH_KEY, hex. */
  @Column({ type: 'text' })
  secretHash: string;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** A partner key that may only run the registered operations (trusted documents). */
  @Column({ type: 'boolean', default: false })
  trustedDocumentsOnly: boolean;

  /** The key this one replaced, when made by rotation. */
  @Column({ type: 'uuid', nullable: true })
  rotatedFromId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const PARTNER_ENTITIES = [ApiKeyEntity, AuditEventEntity];
