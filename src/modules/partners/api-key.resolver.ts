import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { IDEMPOTENCY_KEY_DESCRIPTION, idempotentRequest } from '../../common/idempotency';
import { GraphQLJSONObject } from 'graphql-scalars';
import { toDatabaseId } from '../../common/relay';
import { ApiKeyService } from './api-key.service';
import { GdprService } from './gdpr.service';
import { AuditEvent, AuditService } from './audit';
import { notePersonalData } from '../../common/observability';
import { BadUserInputError } from '../../common/errors';
import { RequireScopes } from '../../common/require-scopes';

@ObjectType({ description: 'An API key as stored: never the secret.' })
export class ApiKey {
  @Field(() => ID, { description: 'Key id.' }) id: string;
  @Field({ description: 'The public part of the key (after c360_).' }) publicId: string;
  @Field({ description: 'Who or what the key is for.' }) name: string;
  @Field(() => [String], { description: 'Scopes the key holds.' }) scopes: string[];
  @Field(() => Date, { nullable: true, description: 'When it stops working.' })
  expiresAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was revoked.' })
  revokedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'Last request with it (to the minute).' })
  lastUsedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'The key it replaced by rotation.' })
  rotatedFromId: string | null;
  @Field({
    description: 'Whether the key may run only the operations registered as trusted documents.',
  })
  trustedDocumentsOnly: boolean;
  @Field({ description: 'When it was created.' }) createdAt: Date;
}

@ObjectType({ description: 'A new key: the only time its secret is shown.' })
export class IssuedApiKey {
  @Field({ description: 'The full key; store it now, it cannot be shown again.' }) key: string;
  @Field(() => ApiKey, { description: 'The stored key.' }) apiKey: ApiKey;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @RequireScopes('admin')
  @Query(() => [ApiKey], { description: 'All API keys, newest first (admin).' })
  apiKeys() {
    return this.keys.list();
  }

  @RequireScopes('admin')
  @Mutation(() => IssuedApiKey, { description: 'Create an API key (admin).' })
  async createApiKey(
    @Arg('name', { description: 'Who or what it is for.' }) name: string,
    @Arg('scopes', () => [String], { description: 'Scopes, e.g. customers:read.' })
    scopes: string[],
    @Arg('expiresAt', () => Date, { nullable: true, description: 'When it stops working.' })
    expiresAt?: Date | null,
    @Arg('trustedDocumentsOnly', {
      defaultValue: false,
      description:
        'Allow only the registered operations (TRUSTED_DOCUMENTS_FILE), as for a partner integration.',
    })
    trustedDocumentsOnly?: boolean,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: IDEMPOTENCY_KEY_DESCRIPTION,
    })
    idempotencyKey?: string | null,
    @Ctx() ctx?: RequestContext,
  ) {
    const idempotency = idempotentRequest(ctx?.principal ?? null, 'createApiKey', {
      name,
      scopes,
      expiresAt: expiresAt ?? null,
      trustedDocumentsOnly,
      idempotencyKey: idempotencyKey ?? undefined,
    });
    const { key, record } = await this.keys.create(
      name,
      scopes,
      expiresAt ?? null,
      { trustedDocumentsOnly },
      idempotency,
    );
    return { key, apiKey: record };
  }

  @RequireScopes('admin')
  @Mutation(() => ApiKey, { description: 'Revoke an API key at once (admin).' })
  revokeApiKey(@Arg('id', () => ID, { description: 'Key id.' }) id: string) {
    return this.keys.revoke(id);
  }

  @RequireScopes('admin')
  @Mutation(() => IssuedApiKey, {
    description: 'Replace a key; the old one keeps working for the grace period (admin).',
  })
  async rotateApiKey(
    @Arg('id', () => ID, { description: 'Key id.' }) id: string,
    @Arg('graceHours', () => Int, {
      defaultValue: 24,
      description: 'Hours the old key keeps working, 0 to 720.',
    })
    graceHours: number,
  ) {
    const { key, record } = await this.keys.rotate(id, graceHours);
    return { key, apiKey: record };
  }
}

@ObjectType({ description: 'Receipt of an erasure.' })
export class ErasureReceipt {
  @Field(() => ID, { description: 'The customer (pseudonymous from now on).' }) customerId: string;
  @Field({ description: 'When the personal data were erased.' }) erasedAt: Date;
}

@Resolver()
export class GdprResolver {
  constructor(private readonly gdpr: GdprService) {}

  @RequireScopes('admin')
  @Mutation(() => ErasureReceipt, {
    description:
      'Erase a customer’s personal data everywhere in one transaction; orders and amounts stay, pseudonymous (admin).',
  })
  eraseCustomer(@Arg('id', () => ID, { description: 'Customer id.' }) id: string) {
    return this.gdpr.erase(toDatabaseId(id, 'Customer'));
  }

  @RequireScopes('admin', 'pii:read')
  @Query(() => GraphQLJSONObject, {
    description:
      'Everything held about one customer, as one JSON document (access and portability requests; admin).',
  })
  exportCustomerData(@Arg('id', () => ID, { description: 'Customer id.' }) id: string) {
    const customerId = toDatabaseId(id, 'Customer');
    notePersonalData('all', customerId);
    return this.gdpr.export(customerId);
  }
}

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @RequireScopes('admin')
  @Query(() => [AuditEvent], {
    description: 'Audited requests (personal-data reads and writes), newest first (admin).',
  })
  auditEvents(
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many, 1 to 100.' })
    first: number,
    @Arg('keyId', () => ID, { nullable: true, description: 'Only this key’s requests.' })
    keyId?: string | null,
  ) {
    if (first < 1 || first > 100)
      throw new BadUserInputError('first must be between 1 and 100', { field: 'first' });
    return this.audit.list(first, keyId ?? null);
  }
}
