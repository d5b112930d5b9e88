import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config';

describe('README configuration table', () => {
  it('lists every environment variable the server reads, with its default', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const spec of CONFIG_VARIABLES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${spec.env}\` |`));
      expect({ env: spec.env, row: row ?? null }).toEqual({
        env: spec.env,
        row: expect.any(String),
      });
      if (spec.env !== 'API_KEY_HASH_KEY') expect(row).toContain(`| \`${spec.defaultValue}\` |`);
    }
  });
});
