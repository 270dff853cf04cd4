import { execFile } from 'node:child_process';
import knexFactory, { type Knex } from 'knex';
import { isPostgresUrl, knexConfig } from '../db/knex.ts';

/** The database a backup is taken from or restored to, as DATABASE_URL and options name it. */
export interface OpsTarget {
  kind: 'sqlite' | 'postgres';
  url: string;
  /** PostgreSQL only: the schema (from `--schema`, else `options=-c search_path=…` in the URL). */
  schema?: string;
}

/**
 * Resolves DATABASE_URL plus an optional `--schema` into a target.
 * Usage: `const t = opsTarget(process.env.DATABASE_URL!, 't_abc')`.
 */
export function opsTarget(url: string, schema?: string): OpsTarget {
  if (!isPostgresUrl(url)) return { kind: 'sqlite', url };
  return { kind: 'postgres', url, schema: schema || searchPathOf(url) };
}

/** The first schema of `options=-c search_path=…` in a libpq URL (which pg_dump also accepts). */
function searchPathOf(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options');
  const m = options?.match(/search_path=([^\s,]+)/);
  return m ? m[1] : undefined;
}

/**
 * A connection pool for backup or restore work: for PostgreSQL with the target's search path,
 * for SQLite with the platform's settings (WAL, busy timeout). Never migrates.
 */
export function openOps(t: OpsTarget, schema = t.schema): Knex {
  return knexFactory(knexConfig(t.url, { searchPath: t.kind === 'postgres' ? schema : undefined }));
}

/** Hides the password of a PostgreSQL URL in messages. */
export function masked(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}

/**
 * Runs a PostgreSQL client tool (pg_dump, pg_restore); rejects with its stderr, password masked.
 * Usage: `await runTool('pg_dump', ['-Fc', '-f', file, '-d', url])`.
 */
export function runTool(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const why = (stderr || err.message).trim().split('\n').slice(0, 5).join('\n');
      reject(new Error(`${cmd} 失败：${masked(why)}`));
    });
  });
}
