import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';

@Entity({ name: 'products' })
@Index('products_category_idx', ['category'])
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('products_sku_unique', { unique: true })
  @Column({ type: 'text' })
  sku: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'bigint' })
  unitPriceMinor: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ name: 'orders' })
@Index('orders_customer_placed_idx', ['customerId', 'placedAt', 'id'])
@Index('orders_source_ref_unique', ['source', 'externalRef'], { unique: true })
@Check(
  'orders_amounts_check',
  `gross_minor >= 0 and discount_minor >= 0 and net_minor = gross_minor - discount_minor and refunded_minor between 0 and net_minor`,
)
export class OrderEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  externalRef: string;

  // Milliseconds, like a JS Date, so keyset cursors round-trip exactly.
  @Column({ type: 'timestamptz', precision: 3 })
  placedAt: Date;

  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'bigint' })
  grossMinor: string;

  @Column({ type: 'bigint', default: 0 })
  discountMinor: string;

  @Column({ type: 'bigint' })
  netMinor: string;

  @Column({ type: 'bigint', default: 0 })
  refundedMinor: string;

  @Column({ type: 'integer' })
  itemCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

@Entity({ name: 'order_lines' })
@Index('order_lines_customer_order_idx', ['customerId', 'orderId', 'lineNo'])
@Index('order_lines_product_idx', ['productId'])
@Check(
  'order_lines_quantity_check',
  `quantity > 0 and returned_quantity between 0 and quantity and refunded_minor >= 0`,
)
export class OrderLineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'integer' })
  lineNo: number;

  @Column({ type: 'uuid', nullable: true })
  productId: string | null;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'bigint' })
  unitPriceMinor: string;

  @Column({ type: 'bigint' })
  lineTotalMinor: string;

  @Column({ type: 'integer', default: 0 })
  returnedQuantity: number;

  @Column({ type: 'bigint', default: 0 })
  refundedMinor: string;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;

  @ManyToOne(() => OrderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  private orderRef?: Relation<OrderEntity>;

  @ManyToOne(() => ProductEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'product_id' })
  private productRef?: Relation<ProductEntity>;
}

@Entity({ name: 'order_returns' })
@Index('order_returns_customer_idx', ['customerId', 'returnedAt', 'id'])
@Index('order_returns_order_idx', ['orderId'])
@Check('order_returns_amounts_check', `quantity > 0 and refund_minor >= 0`)
export class OrderReturnEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'uuid' })
  orderLineId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'bigint' })
  refundMinor: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  // Milliseconds, like a JS Date, so keyset cursors round-trip exactly.
  @Column({ type: 'timestamptz', precision: 3 })
  returnedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;

  @ManyToOne(() => OrderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  private orderRef?: Relation<OrderEntity>;

  @ManyToOne(() => OrderLineEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_line_id' })
  private orderlineRef?: Relation<OrderLineEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const ORDER_ENTITIES = [ProductEntity, OrderEntity, OrderLineEntity, OrderReturnEntity];
