import { EntityManager } from 'typeorm';

/** What erasure writes into a personal column that may not be null. */
export const ERASED = `'(erased)'`;

/**
 * One table's text, text[] and jsonb columns, each classified by the module that owns the table: personal (erasure
 * empties it) or not (kept, with the reason it holds nothing about the person). A test reads the database catalogue
 * and fails on any such column that no module classifies, so a new column cannot escape erasure unnoticed.
 */
export interface TextColumns {
  table: string;
  /**
   * How rows about one customer are found: the column with the customer's id. `null` for tables about no one
   * customer (catalogue, settings, keys); their personal columns are those that may quote someone (a saved filter).
   */
  customerKey: string | null;
  /** Erasure deletes the customer's rows instead of emptying columns (identifiers: the value is the whole row). */
  deleteRows?: boolean;
  /**
   * Personal column → the SQL expression erasure sets it to (`null`, `''`, `'{}'`, ERASED for a not-null column);
   * in a table without a customer key, a word for how its module redacts it.
   */
  personal: Record<string, string>;
  /** Column that is not personal → why: a code from a closed set, a system name, text the server writes itself. */
  notPersonal: Record<string, string>;
}

/**
 * Empties the personal columns of one customer's rows in every table that has them, in the caller's transaction.
 * The SQL comes from each owning module's own declaration; tables without a customer key are left to their
 * module (saved segments redact the person's identifiers where they are quoted).
 */
export async function erasePersonalColumns(
  manager: EntityManager,
  tables: readonly TextColumns[],
  customerId: string,
): Promise<void> {
  for (const table of tables) {
    if (!table.customerKey) continue;
    if (table.deleteRows) {
      await manager.query(`delete from ${table.table} where ${table.customerKey} = $1`, [
        customerId,
      ]);
      continue;
    }
    const sets = Object.entries(table.personal).map(([column, value]) => `${column} = ${value}`);
    if (sets.length > 0)
      await manager.query(
        `update ${table.table} set ${sets.join(', ')} where ${table.customerKey} = $1`,
        [customerId],
      );
  }
}
