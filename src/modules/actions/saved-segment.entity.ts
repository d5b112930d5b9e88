import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ProductAssociationEntity } from './product-association.entity';

/** A named customer filter, saved for reuse by campaign and BI tools. */
@Entity({ name: 'saved_segments' })
export class SavedSegmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('saved_segments_name_unique', { unique: true })
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The CustomerFilter input as JSON. */
  @Column({ type: 'jsonb' })
  filter: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const ACTIONS_ENTITIES = [ProductAssociationEntity, SavedSegmentEntity];
