import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { idempotentRequest } from '../../common/idempotency';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import { Order, Product } from '../orders';
import { CustomerFeedbackArgs, RecordFeedbackInput } from './feedback.inputs';
import { FeedbackService } from './feedback.service';
import { Feedback, FeedbackConnection } from './feedback.types';
import { RequireScopes } from '../../common/require-scopes';

@Resolver(() => Feedback)
export class FeedbackResolver {
  constructor(private readonly feedbackService: FeedbackService) {}

  @RequireScopes('feedback:write')
  @Mutation(() => Feedback, { description: 'Record feedback; a complaint starts open.' })
  recordFeedback(
    @Arg('input', { description: 'The feedback.' }) input: RecordFeedbackInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.feedbackService.record(
      input,
      idempotentRequest(ctx.principal, 'recordFeedback', input),
    );
  }

  @RequireScopes('feedback:write')
  @Mutation(() => Feedback, { description: 'Resolve an open complaint.' })
  resolveComplaint(
    @Arg('id', () => ID, { description: 'The complaint (a Feedback of kind COMPLAINT).' })
    id: string,
    @Arg('resolution', { description: 'How it was resolved.' }) resolution: string,
  ) {
    return this.feedbackService.resolveComplaint(id, resolution);
  }

  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, { description: 'Who gave it.' })
  customer(@Root() feedback: Feedback, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(feedback.customerId);
  }

  @RequireScopes('orders:read')
  @FieldResolver(() => Order, { nullable: true, description: 'The order it is about, if any.' })
  order(@Root() feedback: Feedback, @Ctx() ctx: RequestContext) {
    return feedback.orderId ? ctx.loaders.orders.byId.load(feedback.orderId) : null;
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product it is about, if any.' })
  product(@Root() feedback: Feedback, @Ctx() ctx: RequestContext) {
    return feedback.productId ? ctx.loaders.orders.productById.load(feedback.productId) : null;
  }
}

@Resolver(() => Customer)
export class CustomerFeedbackResolver {
  @RequireScopes('feedback:read')
  @FieldResolver(() => FeedbackConnection, {
    description: 'The customer’s feedback, newest first.',
  })
  feedback(
    @Root() customer: Customer,
    @Args() args: CustomerFeedbackArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.loaders.feedback.pageByCustomerId.load({
      parentId: customer.databaseId,
      args: { ...args },
    });
  }
}
