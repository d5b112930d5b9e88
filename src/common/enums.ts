import { registerEnumType } from 'type-graphql';

/** Registers a string enum with a description for the type and for every value (BI reads them). */
export function describeEnum<T extends Record<string, string>>(
  enumObject: T,
  name: string,
  description: string,
  values: { [K in keyof T]: string },
): T {
  const valuesConfig = Object.fromEntries(
    Object.entries(values).map(([key, text]) => [key, { description: text }]),
  ) as { [K in keyof T]: { description: string } };
  registerEnumType(enumObject, { name, description, valuesConfig });
  return enumObject;
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
describeEnum(SortDirection, 'SortDirection', 'Sort direction.', {
  ASC: 'Smallest, earliest or A first.',
  DESC: 'Largest, latest or Z first.',
});
