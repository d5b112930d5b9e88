import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { idempotentRequest } from '../../common/idempotency';
import type { RequestContext } from '../../common/request-context';
import { toDatabaseId } from '../../common/relay';
import {
  Customer,
  CustomerConnection,
  CustomerIdentifier,
  IdentifierType,
  MarketingConsent,
} from './customer.types';
import { CreateCustomerInput, CustomersArgs, UpdateCustomerInput } from './customer.inputs';
import { CustomerService } from './customer.service';
import { CustomerListService } from './customer-list.service';
import { hasScope, requirePersonalData } from '../../common/scopes';
import { notePersonalData } from '../../common/observability';
import { RequireScopes } from '../../common/require-scopes';

const PII_IDENTIFIERS = new Set<string>([IdentifierType.EMAIL, IdentifierType.PHONE]);

/**
 * Emails and phones are unique to one customer, so a write that sets one answers whether someone else has it
 * (CONFLICT): the same oracle customerByIdentifier would be. Such writes need pii:read, as the lookup does.
 */
function requirePersonalDataToWrite(
  ctx: RequestContext,
  profile: { email?: string | null; phone?: string | null },
  identifiers: readonly { type: string }[] | null | undefined,
) {
  if (profile.email != null) requirePersonalData(ctx.principal, 'input.email');
  if (profile.phone != null) requirePersonalData(ctx.principal, 'input.phone');
  if (identifiers?.some((i) => PII_IDENTIFIERS.has(i.type)))
    requirePersonalData(ctx.principal, 'input.identifiers');
}

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(
    private readonly customerService: CustomerService,
    private readonly customerList: CustomerListService,
  ) {}

  @RequireScopes('customers:read')
  @Query(() => Customer, {
    nullable: true,
    description: 'One customer by id; null when there is none.',
  })
  customer(
    @Arg('id', () => ID, { description: 'Customer id (global id or UUID).' }) id: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.loaders.customers.byId.load(toDatabaseId(id, 'Customer'));
  }

  @RequireScopes('customers:read')
  @Query(() => Customer, {
    nullable: true,
    description:
      'One customer by an identifier from another system (an EMAIL without source also matches the profile email, ignoring case); null when none matches.',
  })
  async customerByIdentifier(
    @Arg('type', () => IdentifierType, {
      description:
        'Kind of identifier; EMAIL and PHONE are personal data and need the pii:read scope.',
    })
    type: IdentifierType,
    @Arg('value', { description: 'The identifier value (emails match case-insensitively).' })
    value: string,
    @Ctx() ctx: RequestContext,
    @Arg('source', () => String, {
      nullable: true,
      description: 'System the identifier comes from; needed only when several use the same value.',
    })
    source?: string | null,
  ) {
    // Found or not, the answer tells whether someone with this email or phone is a customer.
    if (PII_IDENTIFIERS.has(type)) requirePersonalData(ctx.principal, 'type');
    const customer = await this.customerService.findByIdentifier(type, value, source);
    if (customer && PII_IDENTIFIERS.has(type))
      notePersonalData(type === IdentifierType.EMAIL ? 'email' : 'phone', customer.databaseId);
    return customer;
  }

  @RequireScopes('customers:read')
  @Query(() => CustomerConnection, {
    description: 'Customers, filtered and sorted, paged by keyset cursors.',
  })
  async customers(@Args() args: CustomersArgs, @Ctx() ctx: RequestContext) {
    if (args.filter?.search != null) requirePersonalData(ctx.principal, 'filter.search');
    const page = await this.customerList.list(args);
    // The page is what the names and emails matched: the audit log counts it as read.
    if (args.filter?.search != null)
      for (const c of page.nodes)
        for (const category of ['name', 'email']) notePersonalData(category, c.databaseId);
    return page;
  }

  @RequireScopes('customers:write')
  @Mutation(() => Customer, {
    description: 'Create a customer with identifiers and consents, in one transaction.',
  })
  createCustomer(
    @Arg('input', {
      description:
        'The new customer. Setting an email, a phone or an EMAIL/PHONE identifier needs pii:read.',
    })
    input: CreateCustomerInput,
    @Ctx() ctx: RequestContext,
  ) {
    requirePersonalDataToWrite(ctx, input, input.identifiers);
    return this.customerService.create(
      input,
      idempotentRequest(ctx.principal, 'createCustomer', input),
    );
  }

  @RequireScopes('customers:write')
  @Mutation(() => Customer, {
    description: 'Change a customer’s profile, identifiers and consents, in one transaction.',
  })
  updateCustomer(
    @Arg('id', () => ID, { description: 'Customer id.' }) id: string,
    @Arg('input', {
      description:
        'The changes. Setting an email, a phone or an EMAIL/PHONE identifier needs pii:read.',
    })
    input: UpdateCustomerInput,
    @Ctx() ctx: RequestContext,
  ) {
    requirePersonalDataToWrite(ctx, input, [
      ...(input.addIdentifiers ?? []),
      ...(input.removeIdentifiers ?? []),
    ]);
    return this.customerService.update(toDatabaseId(id, 'Customer'), input);
  }

  @FieldResolver(() => [CustomerIdentifier], {
    description: 'Identifiers from other systems. Email and phone identifiers are personal data.',
  })
  async identifiers(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    const identifiers = await ctx.loaders.customers.identifiers.load(customer.databaseId);
    if (hasScope(ctx.principal, 'pii:read')) {
      if (identifiers.some((i) => PII_IDENTIFIERS.has(i.type)))
        notePersonalData('identifier', customer.databaseId);
      return identifiers;
    }
    return identifiers.map((i) => (PII_IDENTIFIERS.has(i.type) ? { ...i, value: null } : i));
  }

  @FieldResolver(() => [MarketingConsent], {
    description:
      'Current marketing consent per channel; a channel not listed has never been asked.',
  })
  consents(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.consents.load(customer.databaseId);
  }
}
