import { Field, ID, InterfaceType } from 'type-graphql';
import { BadUserInputError } from './errors';

/** Relay global ids: base64("Type:uuid"). Opaque to clients, decodable by the server. */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64url');
}

/** toGlobalId in SQL, for statements that build JSON (`encode` wraps at 76 characters, hence the newline removal). */
export function globalIdSql(typeName: string, idExpression: string): string {
  if (!/^[A-Za-z]+$/.test(typeName)) throw new Error(`not a type name: ${typeName}`);
  return `rtrim(translate(encode(convert_to('${typeName}:' || ${idExpression}::text, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseGlobalId(globalId: string): { typeName: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return null;
  const id = decoded.slice(separator + 1);
  if (!UUID.test(id)) return null;
  return { typeName: decoded.slice(0, separator), id };
}

/**
 * The database id behind a global id of the expected type. A bare UUID is accepted too, so that
 * ids copied from exports or logs work. Anything else is bad input, never a database error.
 */
export function toDatabaseId(globalId: string, typeName: string, field = 'id'): string {
  if (UUID.test(globalId)) return globalId.toLowerCase();
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.typeName !== typeName) {
    throw new BadUserInputError(`${field} is not a ${typeName} id`, { field });
  }
  return parsed.id.toLowerCase();
}

export const isUuid = (value: string) => UUID.test(value);

@InterfaceType('Node', {
  description:
    'An object with a global id that node(id) can fetch again (Relay Global Object Identification).',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id, stable and opaque; pass it to node(id).' })
  id: string;
}
