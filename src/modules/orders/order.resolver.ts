import {
  Arg,
  Ctx,
  Extensions,
  Field,
  FieldResolver,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { idempotentRequest } from '../../common/idempotency';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import { BatchItemOutcome, Order, OrderLine, OrderReturn, Product } from './order.types';
import { ProductInput, RecordOrderInput, RecordReturnInput } from './order.inputs';
import { MAX_BATCH_ORDERS, MAX_PRODUCTS, OrderWriterService } from './order-writer.service';
import { ARGUMENT_MAX_ITEMS } from '../../common/input-guard';
import { OrderService } from './order.service';
import { RequireScopes } from '../../common/require-scopes';

@ObjectType({ description: 'The result of recording an order.' })
class RecordOrderPayload {
  @Field(() => Order, { description: 'The order, new or already recorded.' })
  order: Order;

  @Field({
    description:
      'False when an order with the same source and externalRef already existed (nothing changed).',
  })
  created: boolean;
}

@ObjectType({ description: 'Why one item of a batch was rejected.' })
class BatchItemError {
  @Field({ description: 'Stable error code, as in extensions.code.' })
  code: string;

  @Field({ description: 'Human-readable message.' })
  message: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault, when known.' })
  field: string | null;
}

@ObjectType({ description: 'The result for one order of a batch.' })
class RecordOrdersItem {
  @Field(() => Int, { description: 'Position of the order in the input list, from 0.' })
  index: number;

  @Field(() => Order, { nullable: true, description: 'The order, unless it was rejected.' })
  order: Order | null;

  @Field({ description: 'True when this call created the order.' })
  created: boolean;

  @Field(() => BatchItemError, {
    nullable: true,
    description: 'Why the order was rejected; null on success.',
  })
  error: BatchItemError | null;

  @Field(() => BatchItemOutcome, { description: 'Created, already there, or failed (see error).' })
  outcome: BatchItemOutcome;
}

@Resolver(() => Order)
export class OrderResolver {
  constructor(
    private readonly writer: OrderWriterService,
    private readonly orderService: OrderService,
  ) {}

  @RequireScopes('orders:read')
  @Query(() => Product, { nullable: true, description: 'A product by sku.' })
  async productBySku(
    @Arg('sku', { description: 'Stock keeping unit.' }) sku: string,
    @Ctx() ctx: RequestContext,
  ) {
    const id = await this.orderService.productIdBySku(sku);
    return id ? ctx.loaders.orders.productById.load(id) : null;
  }

  @RequireScopes('orders:write')
  @Extensions({ [ARGUMENT_MAX_ITEMS]: { products: MAX_PRODUCTS } })
  @Mutation(() => [Product], { description: 'Create or update products by sku.' })
  upsertProducts(
    @Arg('products', () => [ProductInput], { description: `Products, at most ${MAX_PRODUCTS}.` })
    products: ProductInput[],
  ) {
    return this.writer.upsertProducts(products);
  }

  @RequireScopes('orders:write')
  @Mutation(() => RecordOrderPayload, {
    description:
      'Record an order with its lines in one transaction; idempotent on (source, externalRef).',
  })
  recordOrder(@Arg('input', { description: 'The order.' }) input: RecordOrderInput) {
    return this.writer.recordOrder(input);
  }

  @RequireScopes('orders:write')
  @Extensions({ [ARGUMENT_MAX_ITEMS]: { orders: MAX_BATCH_ORDERS } })
  @Mutation(() => [RecordOrdersItem], {
    description: `Record up to ${MAX_BATCH_ORDERS} orders, each in its own transaction, with a result per order.`,
  })
  async recordOrders(
    // Each order is validated on its own by the writer, so one invalid order is reported with its index.
    @Arg('orders', () => [RecordOrderInput], {
      description: 'The orders.',
      validateFn: () => undefined,
    })
    orders: RecordOrderInput[],
  ) {
    const results = await this.writer.recordOrders(orders);
    return results.map((r) => ({
      ...r,
      outcome: r.error
        ? BatchItemOutcome.FAILED
        : r.created
          ? BatchItemOutcome.CREATED
          : BatchItemOutcome.EXISTED,
      error: r.error && {
        code: String(r.error.extensions.code),
        message: r.error.message,
        field: firstField(r.error.extensions),
      },
    }));
  }

  @RequireScopes('orders:write')
  @Mutation(() => Order, {
    description: 'Record returned items and refunds against order lines, in one transaction.',
  })
  recordReturn(
    @Arg('input', { description: 'The return.' }) input: RecordReturnInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.writer.recordReturn(input, idempotentRequest(ctx.principal, 'recordReturn', input));
  }

  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, { description: 'The customer who placed the order.' })
  customer(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(order.customerId);
  }

  @FieldResolver(() => [OrderLine], {
    description: 'The lines, in order; empty for orders recorded without lines.',
  })
  lines(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.lines.load({
      customerId: order.customerId,
      orderId: order.databaseId,
    });
  }

  @FieldResolver(() => [OrderReturn], {
    description: 'Returns recorded against this order, oldest first.',
  })
  returns(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.returns.load(order.databaseId);
  }
}

@Resolver(() => OrderReturn)
export class OrderReturnResolver {
  @RequireScopes('orders:read')
  @FieldResolver(() => Order, { description: 'The order the items came from.' })
  order(@Root() orderReturn: OrderReturn, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.byId.load(orderReturn.orderId);
  }
}

/** The input field at fault: the error's own, or the first of a validation error's list (relative to the order). */
function firstField(extensions: Record<string, unknown>): string | null {
  if (typeof extensions.field === 'string') return extensions.field;
  const fields = extensions.fields as { field: string }[] | undefined;
  return fields?.[0]?.field ?? null;
}
