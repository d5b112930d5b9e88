import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { withDatabaseName } from '../support/test-db';

// The commands as `npm start`, `npm run c360` and `npm run migrate` run them (scripts/build.js, scripts/run.js), on a
// copy of the project, so that adding and renaming a migration touches nothing in the checkout. The tests share the
// copy's build (a full tsc run) and go in order: built, renamed, failed, migrated.
const ROOT = path.resolve(__dirname, '..', '..');
const PROJECT_FILES = [
  'src',
  'migrations',
  'scripts',
  'ormconfig.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

let copy: string;

function node(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, args, {
    cwd: copy,
    encoding: 'utf8',
    timeout: 110_000,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const build = () => node(['scripts/build.js']);
const compiledMigrations = () =>
  fs.readdirSync(path.join(copy, 'dist', 'migrations')).filter((f) => f.endsWith('.js'));

/** A migration file as `migration:generate` writes it: `<timestamp>-<Name>.ts` with the class `<Name><timestamp>`. */
function writeProbeMigration(timestamp: number) {
  const file = path.join(copy, 'migrations', `${timestamp}-AddBuildProbe.ts`);
  fs.writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddBuildProbe${timestamp} implements MigrationInterface {
  name = 'AddBuildProbe${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('create table build_probes (id integer primary key)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table build_probes');
  }
}
`,
  );
  return file;
}

beforeAll(() => {
  copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-commands-')));
  for (const entry of PROJECT_FILES)
    fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

describe('the build behind npm start and the CLI', () => {
  it('compiles everything the first time, then finds nothing to do', () => {
    const first = build();
    expect(first.stderr).toMatch(/^build: compiling all \d+ files \(no previous build\)…$/m);
    expect(first.status).toBe(0);
    expect(fs.existsSync(path.join(copy, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    // Only what runs is built: no compiled tests.
    expect(fs.existsSync(path.join(copy, 'dist', 'test'))).toBe(false);

    const second = build();
    expect(second).toMatchObject({ status: 0, stderr: 'build: up to date\n' });
  });

  it('recompiles a renamed migration and deletes the compiled file of its old name', () => {
    const before = compiledMigrations();
    const probe = writeProbeMigration(1799000000000);
    expect(build().stderr).toMatch(/^build: compiling 1 changed file…$/m);
    expect(compiledMigrations()).toEqual([...before, '1799000000000-AddBuildProbe.js'].sort());

    fs.rmSync(probe);
    writeProbeMigration(1799000000001);
    const renamed = build();
    expect(renamed.stderr).toMatch(/^build: compiling 1 changed file \(1 file removed\)…$/m);
    expect(renamed.stderr).toMatch(/, 2 stale compiled files deleted$/m);
    // Left in dist/, the old name would be a second pending migration creating the same table.
    expect(compiledMigrations()).toEqual([...before, '1799000000001-AddBuildProbe.js'].sort());
  });
});

describe('a build that fails', () => {
  it('runs nothing, and compiles the file again once its source is back as it was', () => {
    const file = path.join(copy, 'src', 'cli', 'check.ts');
    const source = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, "export const notANumber: number = 'x';\n");
    const failed = node(['scripts/run.js', 'src/cli/main.ts', 'config']);
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/error TS2322/);
    expect(failed.stderr).toMatch(
      /^build: tsc reported errors \(exit \d+\); nothing is run until they are fixed$/m,
    );

    // tsc wrote the failed file's output all the same: it must not pass for the restored source's.
    fs.writeFileSync(file, source);
    expect(build().stderr).toMatch(/^build: compiling 1 changed file…$/m);
    expect(
      fs.readFileSync(path.join(copy, 'dist', 'src', 'cli', 'check.js'), 'utf8'),
    ).not.toContain('notANumber');
  });
});

describe('c360 migrate', () => {
  let env: Record<string, string>;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) {
      env = { PGLITE_DATA_DIR: path.join(copy, 'pglite') };
      return;
    }
    // An empty database (not the migrated template), so that every migration is applied here.
    const name = `c360_migrate_${randomBytes(6).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new Client({ connectionString: withDatabaseName(url, 'postgres') });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`create database ${name}`);
    env = { DATABASE_URL: withDatabaseName(url, name) };
    dropDatabase = () => admin(`drop database if exists ${name} with (force)`);
  });
  afterAll(() => dropDatabase());

  it('lists each migration it applies, running from dist with no TypeScript loaded, then says there is none', () => {
    // Every module the process loaded, written at exit.
    const loaded = path.join(copy, 'loaded.json');
    const probe = path.join(copy, 'probe.js');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));`,
    );
    const migrate = () =>
      node(['scripts/run.js', 'src/cli/main.ts', 'migrate'], {
        ...env,
        NODE_OPTIONS: `--require ${probe}`,
      });

    const expected = fs
      .readdirSync(path.join(copy, 'migrations'))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => /^(\d+)-(\w+)\.ts$/.exec(f)!)
      .map(([, timestamp, name]) => `applied ${name}${timestamp}`);
    const first = migrate();
    expect(first.stdout).toBe(
      [...expected, `${expected.length} migrations applied.`, ''].join('\n'),
    );
    expect(first.status).toBe(0);
    expect(expected).toContain('applied AddBuildProbe1799000000001');
    const modules: string[] = JSON.parse(fs.readFileSync(loaded, 'utf8'));
    expect(
      modules.filter(
        (m) => m.endsWith('.ts') || /node_modules[\\/](typescript|ts-node)[\\/]/.test(m),
      ),
    ).toEqual([]);
    expect(modules).toContain(path.join(copy, 'dist', 'src', 'cli', 'main.js'));

    expect(migrate()).toMatchObject({
      status: 0,
      stdout: 'No pending migrations: the database is up to date.\n',
    });
  });
});
