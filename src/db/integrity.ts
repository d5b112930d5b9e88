import { DataSource } from 'typeorm';

/**
 * Storage-level checks for `c360 check`, written against the catalog so that they cover every table and every
 * foreign key the migrations create, without a list to keep up to date. The symptoms they catch are those of two
 * processes writing one embedded data folder (STACK P24): rows missing from indexes, references to rows that are
 * not there.
 */

export interface IndexReport {
  /** False when amcheck is not installed and cannot be (PostgreSQL without contrib, or no superuser). */
  checked: boolean;
  indexes: number;
  damaged: { index: string; error: string }[];
}

export interface ForeignKeyReport {
  constraints: number;
  broken: { constraint: string; table: string; orphans: number }[];
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every B-tree index of the schema checked against its table with amcheck's bt_index_check(heapallindexed): it
 * reports a row of the table that the index lacks, and an index that is not ordered. It takes only the locks a
 * SELECT takes, so it can run beside the server.
 */
export async function checkIndexes(dataSource: DataSource): Promise<IndexReport> {
  const [amcheck] =
    await dataSource.query(`select exists (select 1 from pg_extension where extname = 'amcheck') as installed,
    exists (select 1 from pg_available_extensions where name = 'amcheck') as available`);
  if (!amcheck.installed) {
    if (!amcheck.available) return { checked: false, indexes: 0, damaged: [] };
    try {
      // A one-time schema change of the check's own: amcheck's functions only read.
      await dataSource.query('create extension if not exists amcheck');
    } catch {
      return { checked: false, indexes: 0, damaged: [] }; // not a superuser
    }
  }
  const indexes: { oid: number; name: string }[] = await dataSource.query(
    `select i.indexrelid::int as oid, i.indexrelid::regclass::text as name
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
     join pg_namespace n on n.oid = c.relnamespace
     where am.amname = 'btree' and n.nspname = current_schema() and i.indisvalid and c.relpersistence <> 't'
     order by name`,
  );
  const damaged: IndexReport['damaged'] = [];
  for (const index of indexes) {
    try {
      await dataSource.query(
        'select bt_index_check(index => $1::oid::regclass, heapallindexed => true)',
        [index.oid],
      );
    } catch (error) {
      damaged.push({ index: index.name, error: (error as Error).message.slice(0, 300) });
    }
  }
  return { checked: true, indexes: indexes.length, damaged };
}

/**
 * Every foreign key of the schema: rows whose key names no row of the referenced table (MATCH SIMPLE: a key with a
 * null column is not checked). Index scans are off, so a damaged index cannot hide an orphan from the check.
 */
export async function checkForeignKeys(dataSource: DataSource): Promise<ForeignKeyReport> {
  return dataSource.transaction(async (manager) => {
    await manager.query('set local enable_indexscan = off');
    await manager.query('set local enable_indexonlyscan = off');
    await manager.query('set local enable_bitmapscan = off');
    const keys: {
      name: string;
      child: string;
      parent: string;
      childColumns: string[];
      parentColumns: string[];
    }[] = await manager.query(
      `select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
         array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
           join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as "childColumns",
         array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
           join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as "parentColumns"
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
       where c.contype = 'f' and n.nspname = current_schema() order by c.conname`,
    );
    const broken: ForeignKeyReport['broken'] = [];
    for (const key of keys) {
      // Names come from the catalog (regclass text is already quoted where needed); no value is interpolated.
      const notNull = key.childColumns.map((c) => `x.${ident(c)} is not null`).join(' and ');
      const matches = key.childColumns
        .map((c, i) => `p.${ident(key.parentColumns[i])} = x.${ident(c)}`)
        .join(' and ');
      const [{ orphans }] = await manager.query(
        `select count(*)::int as orphans from ${key.child} x where ${notNull} and not exists (select 1 from ${key.parent} p where ${matches})`,
      );
      if (orphans > 0) broken.push({ constraint: key.name, table: key.child, orphans });
    }
    return { constraints: keys.length, broken };
  });
}
