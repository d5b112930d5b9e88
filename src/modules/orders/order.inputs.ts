import { ArgsType, Extensions, Field, ID, InputType, Int } from 'type-graphql';
import { MAX_ITEMS } from '../../common/input-guard';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDate,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../../common/idempotency';
import { ConnectionArgs } from '../../common/pagination';
import { IdentifierType } from '../customers';
import { OrderStatus, SalesChannel } from './order.types';

// An order (or a return) has at most this many lines; more than the default list limit of the API.
const MAX_ORDER_LINES = 500;
export const DECIMAL = /^\d{1,13}(\.\d{1,4})?$/;
// The API's limits, which the order importer enforces too (order-import.parsers.ts).
export const MAX_SKU_LENGTH = 100;
export const MAX_IDENTIFIER_VALUE_LENGTH = 200;
export const MAX_SOURCE_LENGTH = 100;
export const MAX_EXTERNAL_REF_LENGTH = 200;
export const MAX_LINE_QUANTITY = 100000;
const DECIMAL_MESSAGE = '$property must be a non-negative decimal string such as "12.50"';

@InputType({ description: 'A product to create or update, keyed by sku.' })
export class ProductInput {
  @Field({ description: 'Stock keeping unit.' })
  @Length(1, MAX_SKU_LENGTH)
  sku: string;

  @Field({ description: 'Name.' })
  @Length(1, 300)
  name: string;

  @Field({ description: 'Category.' })
  @Length(1, 100)
  category: string;

  @Field({ description: 'List price in the shop currency, e.g. "9.99".' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  unitPrice: string;
}

@InputType({
  description:
    'How to find the order’s customer: by id, or by an identifier (created when unknown).',
})
export class OrderCustomerInput {
  @Field(() => ID, { nullable: true, description: 'Customer id.' })
  @IsOptional()
  id?: string | null;

  @Field(() => IdentifierType, {
    nullable: true,
    description: 'Identifier type, with source and value.',
  })
  @IsOptional()
  identifierType?: IdentifierType | null;

  @Field(() => String, { nullable: true, description: 'Identifier source, e.g. "shopify".' })
  @IsOptional()
  @Length(1, MAX_SOURCE_LENGTH)
  identifierSource?: string | null;

  @Field(() => String, { nullable: true, description: 'Identifier value.' })
  @IsOptional()
  @Length(1, MAX_IDENTIFIER_VALUE_LENGTH)
  identifierValue?: string | null;
}

@InputType({ description: 'One line of a new order.' })
export class OrderLineInput {
  @Field({ description: 'Sku of a known product.' })
  @Length(1, MAX_SKU_LENGTH)
  sku: string;

  @Field(() => Int, { description: 'Units, at least 1.' })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;

  @Field({ description: 'Unit price on this order, e.g. "9.99".' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  unitPrice: string;
}

@InputType({
  description:
    'An order from a shop system. Recording it twice (same source and externalRef) changes nothing.',
})
export class RecordOrderInput {
  @Field(() => OrderCustomerInput, { description: 'The customer.' })
  @ValidateNested()
  customer: OrderCustomerInput;

  @Field({ description: 'System the order comes from.' })
  @Length(1, MAX_SOURCE_LENGTH)
  source: string;

  @Field({ description: 'The order’s reference in that system.' })
  @Length(1, MAX_EXTERNAL_REF_LENGTH)
  externalRef: string;

  @Field({ description: 'When it was placed.' })
  @IsDate()
  placedAt: Date;

  @Field(() => OrderStatus, { defaultValue: OrderStatus.PLACED, description: 'Status.' })
  status: OrderStatus;

  @Field(() => SalesChannel, { defaultValue: SalesChannel.WEB, description: 'Channel.' })
  channel: SalesChannel;

  @Field({ description: 'ISO currency; must be the shop currency.' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency: string;

  @Extensions({ [MAX_ITEMS]: MAX_ORDER_LINES })
  @Field(() => [OrderLineInput], {
    nullable: true,
    description: `Lines (at most ${MAX_ORDER_LINES}); gross is their sum.`,
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(MAX_ORDER_LINES)
  lines?: OrderLineInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Order amount before discount, for orders recorded without lines.',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  gross?: string | null;

  @Field(() => Int, { nullable: true, description: 'Item count, for orders without lines.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  itemCount?: number | null;

  @Field({ defaultValue: '0', description: 'Order-level discount.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  discount: string;
}

@InputType({ description: 'Units of one order line coming back.' })
export class ReturnLineInput {
  @Field(() => ID, { description: 'The order line (OrderLine.id).' })
  orderLineId: string;

  @Field(() => Int, { description: 'Units returned.' })
  @IsInt()
  @Min(1)
  quantity: number;

  @Field(() => String, {
    nullable: true,
    description: 'Refund; default: the units’ share of what was paid for the line.',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  refund?: string | null;
}

@InputType({ description: 'A return of items from one order.' })
export class RecordReturnInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;

  @Field(() => ID, { description: 'The order.' })
  orderId: string;

  @Extensions({ [MAX_ITEMS]: MAX_ORDER_LINES })
  @Field(() => [ReturnLineInput], {
    description: `What came back (at most ${MAX_ORDER_LINES} lines).`,
  })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  lines: ReturnLineInput[];

  @Field(() => String, { nullable: true, description: 'Why.' })
  @IsOptional()
  @MaxLength(1000)
  reason?: string | null;

  @Field(() => Date, { nullable: true, description: 'When; default now.' })
  @IsOptional()
  @IsDate()
  returnedAt?: Date | null;
}

@ArgsType()
export class CustomerOrdersArgs extends ConnectionArgs {
  @Field(() => [OrderStatus], { nullable: true, description: 'Only orders in these statuses.' })
  @IsOptional()
  statuses?: OrderStatus[] | null;
}
