import type { FinishContext } from './projection';

/** Fills in, in place, the fields of a fetched JSON value that need JS (see the `computed` projection). */
export type Patch = (value: any, context: FinishContext) => void;

export interface CompiledObject {
  /** A SQL expression building the selection's JSON object for the row alias given to `compileObject`. */
  sql: string;
  patch: Patch | null;
}

export function combine(patches: Patch[]): Patch | null {
  if (patches.length === 0) return null;
  if (patches.length === 1) return patches[0];
  return (value, context) => {
    for (const patch of patches) patch(value, context);
  };
}

export function nested(key: string, patch: Patch | null): Patch | null {
  return (
    patch &&
    ((value, context) => {
      if (value[key] != null) patch(value[key], context);
    })
  );
}

export function nestedList(key: string, patch: Patch | null): Patch | null {
  return (
    patch &&
    ((value, context) => {
      for (const item of value[key] ?? []) patch(item, context);
    })
  );
}
