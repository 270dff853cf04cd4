import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { auditHead } from '../store/audit.ts';
import { latestMigration, listTables, rowCounts } from '../store/backup.ts';
import { notVerified } from './errors.ts';

/**
 * The manifest written beside every backup file (`<file>.manifest.json`). Restore checks the
 * file against `sha256`, then the restored database against `rowCounts`, `schemaVersion` and
 * `auditHead`, and re-computes the audit chain.
 */
export interface Manifest {
  format: 1;
  /** When the backup was taken (ISO 8601, UTC). */
  createdAt: string;
  kind: 'sqlite' | 'postgres';
  /** PostgreSQL: the schema that was dumped (restored under the same name). */
  schema?: string;
  /** The latest knex migration the database had. */
  schemaVersion: string | null;
  platformVersion: string;
  /** The backup file's name (it lies in the same directory as the manifest). */
  file: string;
  bytes: number;
  sha256: string;
  rowCounts: Record<string, number>;
  auditHead: { seq: number; hash: string };
}

/** What a database holds, as the manifest records it. */
export type DatabaseFacts = Pick<Manifest, 'schemaVersion' | 'rowCounts' | 'auditHead'>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The platform version from package.json. */
export function platformVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

/** Where the manifest of `backupFile` lies. */
export function manifestPathOf(backupFile: string): string {
  return `${backupFile}.manifest.json`;
}

/**
 * Reads the facts a manifest records from `db` (run it inside the backup's snapshot).
 * Usage: `const facts = await databaseFacts(trx)`.
 */
export async function databaseFacts(db: Knex): Promise<DatabaseFacts> {
  const tables = await listTables(db);
  const head = tables.includes('audit_head') ? await auditHead(db) : { seq: 0, hash: '' };
  return { schemaVersion: await latestMigration(db), rowCounts: await rowCounts(db, tables), auditHead: head };
}

/** SHA-256 of a file, streamed (backups can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the manifest atomically (a half-written manifest would fail every restore). */
export function writeManifest(backupFile: string, m: Manifest): string {
  const target = manifestPathOf(backupFile);
  fs.writeFileSync(`${target}.partial`, `${JSON.stringify(m, null, 2)}\n`);
  fs.renameSync(`${target}.partial`, target);
  return target;
}

/**
 * Reads and checks the shape of the manifest beside `backupFile`.
 * Usage: `const m = readManifest('/backups/pcp-20261201T020000000Z.sqlite')`.
 */
export function readManifest(backupFile: string): Manifest {
  const file = manifestPathOf(backupFile);
  if (!fs.existsSync(file)) throw notVerified('MANIFEST_MISSING', `找不到备份清单 ${file}`);
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw notVerified('MANIFEST_INVALID', `备份清单 ${file} 不是有效的 JSON`);
  }
  const ok = m && m.format === 1 && (m.kind === 'sqlite' || m.kind === 'postgres') && /^[0-9a-f]{64}$/.test(m.sha256 ?? '')
    && m.rowCounts && typeof m.rowCounts === 'object' && m.auditHead && typeof m.auditHead.hash === 'string';
  if (!ok) throw notVerified('MANIFEST_INVALID', `备份清单 ${file} 缺少必需的字段`);
  return m;
}

/**
 * Lists every difference between what the manifest promises and what a restored database holds
 * (empty when they agree).
 */
export function compareFacts(m: Manifest, actual: DatabaseFacts): string[] {
  const problems: string[] = [];
  if (m.schemaVersion !== actual.schemaVersion) problems.push(`数据库结构版本为 ${actual.schemaVersion}，清单记录为 ${m.schemaVersion}`);
  const tables = new Set([...Object.keys(m.rowCounts), ...Object.keys(actual.rowCounts)]);
  for (const t of [...tables].sort()) {
    if (m.rowCounts[t] !== actual.rowCounts[t]) problems.push(`表 ${t} 有 ${actual.rowCounts[t] ?? '（缺失）'} 行，清单记录为 ${m.rowCounts[t] ?? '（无此表）'} 行`);
  }
  if (m.auditHead.seq !== actual.auditHead.seq || m.auditHead.hash !== actual.auditHead.hash) {
    problems.push(`审计链末尾为第 ${actual.auditHead.seq} 条 ${actual.auditHead.hash.slice(0, 12)}…，清单记录为第 ${m.auditHead.seq} 条 ${m.auditHead.hash.slice(0, 12)}…`);
  }
  return problems;
}
