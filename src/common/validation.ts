import { getMetadataStorage, ValidationError, ValidationTypes, validateOrReject } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';

const OPTIONS = { skipMissingProperties: true, forbidUnknownValues: false };
const constrained = new Map<Function, boolean>();

/** Whether class-validator has anything to check on instances of this class (its own or inherited rules). */
export function hasConstraints(type: Function): boolean {
  let known = constrained.get(type);
  if (known === undefined) {
    // @IsOptional and @Allow alone check nothing: the page arguments of every connection have only those.
    known = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)
      .some((m) => m.type !== ValidationTypes.CONDITIONAL_VALIDATION && m.type !== ValidationTypes.WHITELIST);
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
