import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { refreshStatistics } from '../db/knex.ts';
import { verifyAudit } from '../domain/audit.ts';
import { pgResetSchema, pgSchemaContents, sqliteFileHasTables } from '../store/backup.ts';
import { masked, openOps, runTool, type OpsTarget } from './database.ts';
import { notVerified, refused } from './errors.ts';
import { compareFacts, databaseFacts, readManifest, sha256File, type Manifest } from './manifest.ts';

/** A verified restore: what the manifest promised and how many audit rows were re-checked. */
export interface RestoreResult {
  manifest: Manifest;
  auditChecked: number;
  ms: number;
}

/**
 * Restores `backupFile` onto an empty target and proves it: the file's SHA-256 must match its
 * manifest before anything is written; after the restore the row counts, schema version and
 * audit head must match the manifest and the audit chain must re-compute. A target that is not
 * empty is refused untouched; a restore that does not verify is removed again, leaving the target
 * as empty as it was. Throws OpsError (exitCode 1: does not verify, 2: refused).
 * Usage: `await restore(opsTarget(process.env.DATABASE_URL!), '/backups/pcp-….sqlite')`.
 */
export async function restore(t: OpsTarget, backupFile: string): Promise<RestoreResult> {
  const started = Date.now();
  if (!fs.existsSync(backupFile)) throw refused('BACKUP_MISSING', `备份文件 ${backupFile} 不存在`);
  const manifest = readManifest(backupFile);
  if (manifest.kind !== t.kind) {
    throw refused('KIND_MISMATCH', `这是 ${manifest.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} 的备份，不能恢复到 ${t.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} 数据库`);
  }
  const sha = await sha256File(backupFile);
  if (sha !== manifest.sha256) {
    throw notVerified('BACKUP_CHECKSUM_MISMATCH', `备份文件的 SHA-256 为 ${sha}，与清单记录的 ${manifest.sha256} 不符：文件已损坏或被改动`);
  }
  const auditChecked = t.kind === 'sqlite' ? await restoreSqlite(t, backupFile, manifest) : await restorePostgres(t, backupFile, manifest);
  return { manifest, auditChecked, ms: Date.now() - started };
}

/** Checks a restored database against its manifest and the audit chain; returns rows checked. */
async function verifyRestored(db: Knex, m: Manifest): Promise<number> {
  const problems = compareFacts(m, await databaseFacts(db));
  if (problems.length) throw notVerified('RESTORE_MISMATCH', `恢复后的数据与备份清单不符：${problems.join('；')}`, problems);
  const audit = await verifyAudit(db);
  if (!audit.ok) throw notVerified('AUDIT_CHAIN_BROKEN', `恢复后的审计链校验失败：${audit.reason}`, audit);
  // pg_restore and a copied file bring rows, not fresh planner statistics.
  await refreshStatistics(db);
  return audit.checked;
}

async function restoreSqlite(t: OpsTarget, backupFile: string, m: Manifest): Promise<number> {
  const target = path.resolve(t.url);
  if (await sqliteHasData(target)) throw refused('TARGET_NOT_EMPTY', `目标数据库 ${target} 不是空库，拒绝覆盖`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Restored and verified under a temporary name; only a verified database takes the target's name.
  const staging = `${target}.restoring`;
  const removeStaging = () => ['', '-wal', '-shm', '-journal'].forEach((s) => fs.rmSync(staging + s, { force: true }));
  removeStaging();
  fs.copyFileSync(backupFile, staging);
  try {
    const db = openOps({ kind: 'sqlite', url: staging });
    let checked: number;
    try {
      checked = await verifyRestored(db, m);
    } finally {
      await db.destroy();
    }
    for (const s of ['-wal', '-shm']) fs.rmSync(target + s, { force: true });
    fs.renameSync(staging, target);
    return checked;
  } finally {
    removeStaging();
  }
}

/** Whether a SQLite file (or its WAL) holds anything: a missing or zero-length file is empty. */
async function sqliteHasData(file: string): Promise<boolean> {
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  if (size(`${file}-wal`) > 0) return true;
  if (size(file) === 0) return false;
  return sqliteFileHasTables(file);
}

async function restorePostgres(t: OpsTarget, backupFile: string, m: Manifest): Promise<number> {
  const schema = t.schema ?? m.schema ?? 'public';
  if (schema !== m.schema) {
    throw refused('SCHEMA_MISMATCH', `备份来自 schema ${m.schema}，只能恢复到同名 schema（目标为 ${schema}）`);
  }
  const admin = openOps({ ...t, schema: undefined });
  try {
    const before = await pgSchemaContents(admin, schema);
    if (before.relations > 0) throw refused('TARGET_NOT_EMPTY', `目标数据库 ${masked(t.url)} 的 schema ${schema} 不是空的，拒绝覆盖`);
    const toc = before.exists ? await tocWithoutSchema(backupFile, schema) : null;
    try {
      await runTool('pg_restore', [
        '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction',
        ...(toc ? [`--use-list=${toc}`] : []),
        `--dbname=${t.url}`, backupFile,
      ]);
      const db = openOps(t, schema);
      try {
        return await verifyRestored(db, m);
      } finally {
        await db.destroy();
      }
    } catch (err) {
      await pgResetSchema(admin, schema, before.exists);
      throw err;
    } finally {
      if (toc) fs.rmSync(toc, { force: true });
    }
  } finally {
    await admin.destroy();
  }
}

/**
 * The dump's table of contents without the CREATE SCHEMA entry (and its comment), for a target
 * where the empty schema already exists (a new database's `public`).
 */
async function tocWithoutSchema(backupFile: string, schema: string): Promise<string> {
  const toc = await runTool('pg_restore', ['--list', backupFile]);
  const esc = schema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const skip = new RegExp(`^\\d+; \\d+ \\d+ (SCHEMA - ${esc} |COMMENT - SCHEMA ${esc} )`);
  const list = path.join(os.tmpdir(), `pcp-restore-${process.pid}-${Date.now()}.toc`);
  fs.writeFileSync(list, toc.split('\n').filter((l) => !skip.test(l)).join('\n'));
  return list;
}
