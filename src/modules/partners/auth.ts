import { defaultFieldResolver, GraphQLResolveInfo, GraphQLSchema, isObjectType } from 'graphql';
import { AppError } from '../../common/errors';
import { notePersonalData } from '../../common/observability';
import { hasScope, Principal } from '../../common/scopes';
import { requiredScopesOf } from '../../common/require-scopes';

/**
 * GraphQL field name → the kind of personal data the audit log records when it is read (each module's manifest
 * declares its own, `personalFields`); a personal field no module names is recorded under its own name.
 */
export type PersonalDataCategories = Readonly<Record<string, string>>;

/** The check of @RequireScopes(scope…): every listed scope is needed (admin holds them all). */
export function checkScopes(
  context: { principal: Principal | null },
  root: unknown,
  info: GraphQLResolveInfo,
  scopes: readonly string[],
  categories: PersonalDataCategories,
): void {
  if (!context.principal) throw new AppError('An API key is required', 'UNAUTHENTICATED');
  const missing = scopes.filter((scope) => !hasScope(context.principal, scope));
  if (missing.length > 0)
    throw new AppError(`This key lacks the scope ${missing.join(', ')}`, 'FORBIDDEN', {
      requiredScopes: missing,
    });
  // A personal field is being read: the audit log records the kind of data and whose, never the value.
  if (scopes.includes('pii:read'))
    notePersonalData(
      categories[info.fieldName] ?? info.fieldName,
      (root as { databaseId?: string })?.databaseId,
    );
}

/** The compiled reads' counterpart of the notes checkScopes makes field by field. */
export function personalFieldsNoter(categories: PersonalDataCategories) {
  return (fields: ReadonlySet<string>, customerIds: readonly string[]): void => {
    for (const field of fields)
      for (const id of customerIds) notePersonalData(categories[field] ?? field, id);
  };
}

/** Puts the check of each field's requiredScopes (see RequireScopes) in front of its resolver. */
export function enforceScopes(schema: GraphQLSchema, categories: PersonalDataCategories): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const scopes = requiredScopesOf(field);
      if (!scopes.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context, info) => {
        checkScopes(context, root, info, scopes, categories);
        return resolve(root, args, context, info);
      };
    }
  }
}

export function requireScope(principal: Principal | null, scope: string) {
  if (!hasScope(principal, scope))
    throw new AppError(`This key lacks the scope ${scope}`, 'FORBIDDEN', {
      requiredScopes: [scope],
    });
}

/** The key from `Authorization: Bearer …` or `X-API-Key`. */
export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth))
    return auth.replace(/^Bearer\s+/i, '').trim();
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : null;
}
