/**
 * Makes the upgrade fixture of a past release: a database written by THAT release's code, with
 * cases left waiting, for `test/ops/upgrade.test.ts` to upgrade with the current code.
 *
 *   npx tsx scripts/make-upgrade-fixture.ts [--release v0.2.0] [--commit 2a4715d]
 *
 * 1. `git worktree add --detach` the release's commit into a temporary directory (the node_modules
 *    of this checkout are linked in: the old package.json's dependencies are a subset of today's);
 * 2. copy `scripts/upgrade-fixture/scenario-<release>.ts` there and run it with tsx: it uses only
 *    the old release's own code (its HTTP API, engine and test helpers) and writes the SQLite
 *    database with `VACUUM INTO`;
 * 3. write `test/fixtures/upgrade/<release>.sqlite.gz` and `<release>.json` (the commit, the
 *    migrations the old code ran, each migration file's SHA-256 at that commit, the database's
 *    SHA-256), then remove the temporary worktree.
 * The fixture is committed; it is only remade when a new release is cut (CHANGELOG.md).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

async function appliedMigrations(file: string): Promise<string[]> {
  const db = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    return (await db('knex_migrations').orderBy('id').select('name')).map((r: { name: string }) => r.name);
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const release = arg('release', 'v0.2.0');
  const commit = git('rev-parse', arg('commit', '2a4715d'));
  const scenario = path.join(root, 'scripts', 'upgrade-fixture', `scenario-${release}.ts`);
  if (!fs.existsSync(scenario)) throw new Error(`no scenario for ${release}: ${scenario}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pcp-${release}-`));
  const tree = path.join(tmp, 'tree');
  git('worktree', 'add', '--detach', tree, commit);
  try {
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
    fs.mkdirSync(path.join(tree, 'scripts', 'upgrade-fixture'), { recursive: true });
    fs.copyFileSync(scenario, path.join(tree, 'scripts', 'upgrade-fixture', path.basename(scenario)));
    const db = path.join(tmp, `${release}.sqlite`);
    const env: NodeJS.ProcessEnv = { ...process.env, TEST_DB: 'sqlite' };
    delete env.DATABASE_URL;
    execFileSync('npx', ['tsx', path.join('scripts', 'upgrade-fixture', path.basename(scenario)), db], { cwd: tree, env, stdio: 'inherit' });
    const bytes = fs.readFileSync(db);
    const migrations = await appliedMigrations(db);
    const files = Object.fromEntries(
      migrations.map((m) => [m, sha256(execFileSync('git', ['show', `${commit}:src/store/migrations/${m}`], { cwd: root }))]),
    );
    const outDir = path.join(root, 'test', 'fixtures', 'upgrade');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${release}.sqlite.gz`), zlib.gzipSync(bytes, { level: 9 }));
    const manifest = {
      release,
      commit,
      scenario: path.relative(root, scenario),
      madeAt: new Date().toISOString(),
      sqliteSha256: sha256(bytes),
      migrations: files,
    };
    fs.writeFileSync(path.join(outDir, `${release}.json`), JSON.stringify(manifest, null, 2) + '\n');
    console.log(path.join(outDir, `${release}.sqlite.gz`));
  } finally {
    git('worktree', 'remove', '--force', tree);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
