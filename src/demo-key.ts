import fs from 'node:fs';
import path from 'node:path';
import { AppConfig } from './config';
import { Database } from './db/data-source';
import { createServices } from './container';
import { READ_SCOPES } from './modules/partners';

/** Read scopes with personal data (the demo customer page shows names), and orders:write for GraphiQL's RecordOrder tab. */
export const DEMO_KEY_SCOPES = [...READ_SCOPES, 'pii:read', 'orders:write'];

/**
 * The newcomer's key for the embedded demo database: created once with DEMO_KEY_SCOPES, printed once,
 * and kept beside the data in the git-ignored data folder so that the IDE can offer it on every start. Never used with PostgreSQL.
 */
export async function ensureDemoKey(db: Database, config: AppConfig): Promise<string> {
  const file = path.join(config.pgliteDataDir!, 'demo-api-key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const { key } = await createServices(config, db.dataSource).apiKeys.create(
    'demo (embedded database)',
    DEMO_KEY_SCOPES,
    null,
  );
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  console.log(`Demo API key (read scopes and orders:write; also in ${file}):\n  ${key}`);
  return key;
}
