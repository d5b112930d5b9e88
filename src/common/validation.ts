import {
  getMetadataStorage,
  ValidateBy,
  ValidationError,
  ValidationTypes,
  validateOrReject,
} from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';

const OPTIONS = { skipMissingProperties: true, forbidUnknownValues: false };
const constrained = new Map<Function, boolean>();

/** Whether class-validator has anything to check on instances of this class (its own or inherited rules). */
export function hasConstraints(type: Function): boolean {
  let known = constrained.get(type);
  if (known === undefined) {
    // @IsOptional and @Allow alone check nothing: the page arguments of every connection have only those.
    known = getMetadataStorage()
      .getTargetValidationMetadatas(type, '', true, false)
      .some(
        (m) =>
          m.type !== ValidationTypes.CONDITIONAL_VALIDATION && m.type !== ValidationTypes.WHITELIST,
      );
    constrained.set(type, known);
  }
  return known;
}

/**
 * type-graphql's own argument validation, minus its per-call cost: its default resolves `require('class-validator')`
 * on every argument of every resolver call and walks the metadata even of classes with no rule (the page
 * arguments of each nested connection, fifty times a page). Same options, same ArgumentValidationError.
 */
export async function validateArgument(value: unknown): Promise<void> {
  for (const item of Array.isArray(value) ? value : [value]) {
    if (item === null || typeof item !== 'object' || !hasConstraints(item.constructor)) continue;
    try {
      await validateOrReject(item, OPTIONS);
    } catch (errors) {
      throw new ArgumentValidationError(errors as ValidationError[]);
    }
  }
}

export interface JsonBounds {
  /** Size of the JSON text in UTF-8 bytes. */
  maxBytes: number;
  /** Levels of nested objects and arrays; a flat object is 1. */
  maxDepth: number;
  /** Keys in any one object. */
  maxKeys: number;
}

/** The first bound a JSON value breaks, or null. Iterative: the body may nest deeper than the call stack allows. */
export function jsonBoundBroken(value: unknown, bounds: JsonBounds): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > bounds.maxDepth) return `at most ${bounds.maxDepth} levels of nesting`;
    const entries = Array.isArray(item) ? item : Object.values(item);
    if (!Array.isArray(item) && entries.length > bounds.maxKeys)
      return `at most ${bounds.maxKeys} keys in an object`;
    for (const nested of entries) stack.push([nested, depth + 1]);
  }
  if (Buffer.byteLength(JSON.stringify(value)) > bounds.maxBytes)
    return `at most ${bounds.maxBytes} bytes as JSON`;
  return null;
}

/** class-validator: a JSON value within size, depth and key-count bounds (what a jsonb column may be given). */
export function IsBoundedJson(bounds: JsonBounds): PropertyDecorator {
  return ValidateBy({
    name: 'isBoundedJson',
    validator: {
      validate: (value: unknown) => jsonBoundBroken(value, bounds) === null,
      defaultMessage: (args) =>
        `$property must have ${jsonBoundBroken(args?.value, bounds) ?? 'a bounded size'}`,
    },
  });
}
