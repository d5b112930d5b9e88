import { Extensions } from 'type-graphql';

/** A field's own cost in points, from its coerced arguments; its children are added as for any object field. */
export type FieldCost = (args: Record<string, unknown>) => number;

/**
 * Declares what a field costs beyond the 1 point of an object, for fields whose work grows with an argument (a
 * model's horizon). The function goes into the field's schema extensions, where the cost plugin reads it, so the
 * module that owns the field states its price without the partners module knowing its names.
 */
export function CostOf(cost: FieldCost): MethodDecorator & PropertyDecorator {
  return Extensions({ cost });
}
