'use strict';
/**
 * Runs a compiled entry point, building first only if a source changed (scripts/build.js), in this same process:
 *   node scripts/run.js src/cli/main.ts migrate   →   dist/src/cli/main.js migrate
 * The entry sees process.argv as if it had been started directly.
 */
const path = require('node:path');
const { ensureBuilt } = require('./build');

const [entry, ...args] = process.argv.slice(2);
if (!entry || !entry.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/run.js <source.ts> [arguments…]\n');
  process.exit(2);
}
const compiled = path.join(__dirname, '..', 'dist', entry.replace(/\.ts$/, '.js'));

ensureBuilt({ announceUpToDate: false }).then(
  () => {
    process.argv = [process.argv[0], compiled, ...args];
    require(compiled);
  },
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode ?? 1);
  },
);
