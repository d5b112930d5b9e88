import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { idempotentRequest } from '../../common/idempotency';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import { Order } from '../orders';
import { Feedback } from '../feedback';
import { CustomerCommunicationsArgs, LogCommunicationInput } from './communication.inputs';
import { CommunicationService } from './communication.service';
import { Communication, CommunicationConnection } from './communication.types';
import { RequireScopes } from '../../common/require-scopes';

@Resolver(() => Communication)
export class CommunicationResolver {
  constructor(private readonly communicationService: CommunicationService) {}

  @RequireScopes('communications:write')
  @Mutation(() => Communication, { description: 'Log a contact with a customer.' })
  logCommunication(
    @Arg('input', { description: 'The contact.' }) input: LogCommunicationInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.communicationService.log(
      input,
      idempotentRequest(ctx.principal, 'logCommunication', input),
    );
  }

  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, { description: 'The customer.' })
  customer(@Root() communication: Communication, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(communication.customerId);
  }

  @RequireScopes('orders:read')
  @FieldResolver(() => Order, { nullable: true, description: 'The order it was about, if any.' })
  order(@Root() communication: Communication, @Ctx() ctx: RequestContext) {
    return communication.orderId ? ctx.loaders.orders.byId.load(communication.orderId) : null;
  }

  @RequireScopes('feedback:read')
  @FieldResolver(() => Feedback, {
    nullable: true,
    description: 'The complaint it was about, if any.',
  })
  complaint(@Root() communication: Communication, @Ctx() ctx: RequestContext) {
    return communication.complaintId
      ? ctx.loaders.feedback.byId.load(communication.complaintId)
      : null;
  }
}

@Resolver(() => Customer)
export class CustomerCommunicationsResolver {
  @RequireScopes('communications:read')
  @FieldResolver(() => CommunicationConnection, {
    description: 'The communications log, newest first.',
  })
  communications(
    @Root() customer: Customer,
    @Args() args: CustomerCommunicationsArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.loaders.communications.pageByCustomerId.load({
      parentId: customer.databaseId,
      args: { ...args },
    });
  }
}
