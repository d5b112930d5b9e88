'use strict';
/**
 * The build behind `npm start`, `npm run c360` and `npm run migrate`: tsc runs only when a source changed since the
 * last build (content hashes kept in dist/.build-state.json; tsc itself is incremental), and says so in one line.
 * Every build also deletes whatever in dist/ has no source any more: a renamed or removed migration must never
 * linger in dist/migrations to be run (the reason the build used to wipe dist/ first). Plain JavaScript, so that
 * the check itself needs no compiler: it takes tens of milliseconds when nothing changed.
 *
 *   node scripts/build.js          build if needed; one line either way
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const TSCONFIG = 'tsconfig.build.json';
const STATE = path.join(DIST, '.build-state.json');
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');
const LOCK = path.join(DIST, '.build.lock');
const KEPT = new Set([STATE, BUILD_INFO]);

const hash = (text) => crypto.createHash('sha1').update(text).digest('hex');

function walk(dir, onFile) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (full === LOCK) continue;
    if (entry.isDirectory()) walk(full, onFile);
    else onFile(full);
  }
}

/** The sources tsconfig.build.json includes; only its two plain forms (`dir/**\/*.ts`, `file.ts`) are understood. */
function sourceFiles() {
  const { include } = JSON.parse(fs.readFileSync(path.join(ROOT, TSCONFIG), 'utf8'));
  const files = [];
  for (const pattern of include) {
    const tree = /^([\w./-]+)\/\*\*\/\*\.ts$/.exec(pattern);
    if (tree)
      walk(
        path.join(ROOT, tree[1]),
        (file) => file.endsWith('.ts') && files.push(path.relative(ROOT, file)),
      );
    else if (/^[\w./-]+\.ts$/.test(pattern))
      fs.existsSync(path.join(ROOT, pattern)) && files.push(pattern);
    else
      throw new Error(
        `${TSCONFIG}: the build check does not understand the include pattern ${pattern}`,
      );
  }
  return files.sort();
}

/** What tsc writes for one source (declaration files compile to nothing). */
function outputsOf(source) {
  if (source.endsWith('.d.ts')) return [];
  const base = path.join(DIST, source.replace(/\.ts$/, ''));
  return [`${base}.js`, `${base}.js.map`];
}

/** Compares the sources with the last build: what changed, was added or is gone. */
function inspect() {
  const settings = hash(
    ['tsconfig.json', TSCONFIG].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\0') +
      fs.readFileSync(require.resolve('typescript/package.json'), 'utf8'),
  );
  const files = {};
  for (const source of sourceFiles())
    files[source] = hash(fs.readFileSync(path.join(ROOT, source)));
  let previous = null;
  try {
    previous = JSON.parse(fs.readFileSync(STATE, 'utf8'));
  } catch {
    // No build yet, or an unreadable state: build everything.
  }
  const sources = Object.keys(files);
  const fresh = previous !== null && previous.settings === settings;
  const changed = fresh ? sources.filter((s) => previous.files[s] !== files[s]) : sources;
  const removed = fresh ? Object.keys(previous.files).filter((s) => !(s in files)) : [];
  // An output deleted by hand is not noticed by tsc's own incremental state: build those afresh.
  const missing = sources.filter(
    (s) => !changed.includes(s) && outputsOf(s).some((o) => !fs.existsSync(o)),
  );
  return { settings, files, previous, changed: [...changed, ...missing], removed, missing };
}

/** Deletes everything in dist/ that no current source compiles to, and the folders left empty. */
function prune(files) {
  const expected = new Set(Object.keys(files).flatMap(outputsOf));
  let deleted = 0;
  walk(DIST, (file) => {
    if (!expected.has(file) && !KEPT.has(file)) {
      fs.rmSync(file, { force: true });
      deleted += 1;
    }
  });
  const removeEmpty = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && path.join(dir, entry.name) !== LOCK)
        removeEmpty(path.join(dir, entry.name));
    }
    if (dir !== DIST && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  };
  if (fs.existsSync(DIST)) removeEmpty(DIST);
  return deleted;
}

function runTsc() {
  return new Promise((resolve) => {
    // tsc's report goes to stderr, so that `npm run -s c360 -- export … > file` keeps only the command's output.
    const child = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', TSCONFIG], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Builds when a source changed; resolves when dist/ matches the sources, rejects when tsc reports errors. */
async function ensureBuilt({ announceUpToDate = true } = {}) {
  const upToDate = (state) => {
    if (state.changed.length || state.removed.length) return false;
    if (announceUpToDate) process.stderr.write('build: up to date\n');
    return true;
  };
  if (upToDate(inspect())) return;
  fs.mkdirSync(DIST, { recursive: true });
  // Two commands started together both see the change: one builds, the other waits and then finds it done.
  const release = await require('proper-lockfile').lock(DIST, {
    lockfilePath: LOCK,
    realpath: false,
    stale: 30_000,
    retries: { retries: 600, minTimeout: 500, maxTimeout: 500 },
  });
  try {
    const state = inspect();
    if (upToDate(state)) return;
    const { changed, removed, missing, previous } = state;
    if (missing.length) fs.rmSync(BUILD_INFO, { force: true });
    const gone = removed.length ? plural(removed.length, 'file') + ' removed' : '';
    const what =
      previous === null
        ? `all ${plural(changed.length, 'file')} (no previous build)`
        : previous.settings !== state.settings
          ? `all ${plural(changed.length, 'file')} (the build settings or TypeScript changed)`
          : changed.length
            ? `${plural(changed.length, 'changed file')}${gone && ` (${gone})`}`
            : `(${gone})`;
    process.stderr.write(`build: compiling ${what}…\n`);
    const started = Date.now();
    const code = await runTsc();
    const pruned = prune(state.files);
    if (code !== 0) {
      // tsc wrote the failed files' output all the same: forget them, so that the next build compiles them again even
      // if their source goes back to what the last good build saw.
      if (previous) {
        const files = Object.fromEntries(
          Object.entries(previous.files).filter(([source]) => !changed.includes(source)),
        );
        fs.writeFileSync(STATE, JSON.stringify({ settings: previous.settings, files }));
      }
      throw Object.assign(
        new Error(`build: tsc reported errors (exit ${code}); nothing is run until they are fixed`),
        { exitCode: code },
      );
    }
    fs.writeFileSync(STATE, JSON.stringify({ settings: state.settings, files: state.files }));
    process.stderr.write(
      `build: done in ${((Date.now() - started) / 1000).toFixed(1)} s${pruned ? `, ${plural(pruned, 'stale compiled file')} deleted` : ''}\n`,
    );
  } finally {
    await release();
  }
}

module.exports = { ensureBuilt };

if (require.main === module) {
  ensureBuilt().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode ?? 1);
  });
}
