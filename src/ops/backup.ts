import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { systemClock, type Clock } from '../clock.ts';
import { chainAudit } from '../domain/audit-chain.ts';
import { pgExportSnapshot } from '../store/backup.ts';
import { openOps, runTool, type OpsTarget } from './database.ts';
import { refused } from './errors.ts';
import { databaseFacts, platformVersion, sha256File, writeManifest, type DatabaseFacts, type Manifest } from './manifest.ts';

/** A finished backup: the file, its manifest beside it, and what the manifest says. */
export interface BackupResult {
  file: string;
  manifestFile: string;
  manifest: Manifest;
  ms: number;
}

const PREFIX = 'pcp-';

/** The file name of a backup taken at `at`: `pcp-20261201T020000123Z.sqlite` (or `.dump`). */
export function backupFileName(at: number, kind: OpsTarget['kind']): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${PREFIX}${stamp}${kind === 'sqlite' ? '.sqlite' : '.dump'}`;
}

/** The time a backup was taken, read back from its file name (null for other files). */
export function backupTimeOf(fileName: string): number | null {
  const m = /^pcp-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.(sqlite|dump)$/.exec(fileName);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]) : null;
}

/**
 * Takes a consistent online backup of a running database into `outDir`: SQLite through
 * `VACUUM INTO` (a read transaction, so writers carry on; never a copy of the live WAL files),
 * PostgreSQL through `pg_dump -Fc` of the target's schema. The manifest's row counts and audit
 * head are read in the very snapshot the backup holds, so a restore can check them exactly.
 * Usage: `const { file } = await backup(opsTarget(url), '/var/backups/pcp')`.
 */
export async function backup(t: OpsTarget, outDir: string, clock: Clock = systemClock): Promise<BackupResult> {
  const started = Date.now();
  const at = clock.now();
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(path.resolve(outDir), backupFileName(at, t.kind));
  if (fs.existsSync(file)) throw refused('BACKUP_EXISTS', `备份文件 ${file} 已存在`);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    const facts = t.kind === 'sqlite' ? await sqliteBackup(t, partial, at) : await pgBackup(t, partial, at);
    const manifest: Manifest = {
      format: 1,
      createdAt: new Date(at).toISOString(),
      kind: t.kind,
      ...(t.kind === 'postgres' ? { schema: t.schema ?? 'public' } : {}),
      ...facts,
      platformVersion: platformVersion(),
      file: path.basename(file),
      bytes: fs.statSync(partial).size,
      sha256: await sha256File(partial),
    };
    fs.renameSync(partial, file);
    const manifestFile = writeManifest(file, manifest);
    return { file, manifestFile, manifest, ms: Date.now() - started };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

async function sqliteBackup(t: OpsTarget, out: string, at: number): Promise<DatabaseFacts> {
  // Opening a missing path would create an empty database and "back it up".
  if (!fs.existsSync(t.url)) throw refused('DATABASE_MISSING', `数据库文件 ${t.url} 不存在`);
  const live = openOps(t);
  try {
    // Audit rows committed but not yet linked are linked first, so the manifest's head covers them.
    await chainAudit(live, at);
    await live.raw('VACUUM INTO ?', [out]);
  } finally {
    await live.destroy();
  }
  // The copy is read in rollback-journal mode so that counting leaves no -wal/-shm files beside it
  // and the file hashed is the file restored.
  const copy = knexFactory({ client: 'sqlite3', connection: { filename: out }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  try {
    await copy.raw('PRAGMA journal_mode = DELETE');
    return await databaseFacts(copy);
  } finally {
    await copy.destroy();
  }
}

async function pgBackup(t: OpsTarget, out: string, at: number): Promise<DatabaseFacts> {
  const schema = t.schema ?? 'public';
  const db = openOps(t, schema);
  try {
    await chainAudit(db, at);
    // One repeatable-read transaction exports its snapshot to pg_dump and counts in it, so the
    // manifest describes exactly the rows in the dump while other nodes keep writing.
    return await db.transaction(async (trx) => {
      const snapshot = await pgExportSnapshot(trx);
      const facts = await databaseFacts(trx);
      await runTool('pg_dump', ['--format=custom', `--schema=${schema}`, `--snapshot=${snapshot}`, `--file=${out}`, `--dbname=${t.url}`]);
      return facts;
    });
  } finally {
    await db.destroy();
  }
}
