import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openDatabase } from '../../src/db/knex.ts';
import { getInstance } from '../../src/store/instances.ts';
import { jobsOfInstance } from '../../src/store/jobs.ts';
import { tasksOfInstance } from '../../src/store/tasks.ts';
import { postgresUrl, usingPostgres } from '../helpers/db.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a drill compares of one instance: its row's state and version, its tasks and its jobs. */
export interface InstanceSnapshot {
  status: string;
  version: number;
  tasks: string[];
  jobs: string[];
}

/** The instance as the database `db` holds it (undefined when it is not there). */
export async function snapshotOf(db: Knex, id: string): Promise<InstanceSnapshot | undefined> {
  const row = await getInstance(db, id);
  if (!row) return undefined;
  return {
    status: row.status,
    version: row.version,
    tasks: (await tasksOfInstance(db, id)).map((t) => `${t.id}:${t.elementId}:${t.status}`).sort(),
    jobs: (await jobsOfInstance(db, id)).map((j) => `${j.id}:${j.type}:${j.elementId}:${j.dueAt}`).sort(),
  };
}

/** A CLI run: exit code and output. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run <script> -- <args>` in the repository as the operator would, with DATABASE_URL
 * set; resolves with the exit code (never rejects on a non-zero exit).
 */
export function npmRun(script: string, args: string[], databaseUrl: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('npm', ['run', script, '--', ...args], { cwd: repo, env: { ...process.env, DATABASE_URL: databaseUrl } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The last non-empty line of a command's stdout (the backup command prints the file's path there). */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}

/** An empty database to restore onto: a path in a new temp directory, or a new PostgreSQL database. */
export interface RestoreTarget {
  url: string;
  /** Opens the restored database (PostgreSQL: in the backup's schema). */
  open(schema?: string): Promise<Knex>;
  /** Whether anything at all is there (a file, or the schema). */
  isUntouched(schema?: string): Promise<boolean>;
  drop(): Promise<void>;
}

/**
 * Creates an empty restore target. `admin` is a connection to the test server (PostgreSQL only:
 * a new database is created so that the backup's schema name is free, as on a fresh node).
 */
export async function emptyTarget(admin: Knex): Promise<RestoreTarget> {
  const pools: Knex[] = [];
  if (!usingPostgres) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-restore-'));
    const url = path.join(dir, 'restored.sqlite');
    return {
      url,
      async open() {
        const k = await openDatabase(url, { migrate: false });
        pools.push(k);
        return k;
      },
      async isUntouched() {
        return fs.readdirSync(dir).length === 0;
      },
      async drop() {
        await Promise.all(pools.map((p) => p.destroy()));
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `pcp_restore_${randomBytes(5).toString('hex')}`;
  await admin.raw('CREATE DATABASE ??', [name]);
  const u = new URL(postgresUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    async open(schema) {
      const k = await openDatabase(url, { searchPath: schema, migrate: false });
      pools.push(k);
      return k;
    },
    async isUntouched(schema) {
      const k = await openDatabase(url, { migrate: false });
      try {
        const res = await k.raw(`SELECT count(*)::int AS n FROM pg_catalog.pg_namespace WHERE nspname = ?`, [schema ?? 'public']);
        return res.rows[0].n === 0;
      } finally {
        await k.destroy();
      }
    },
    async drop() {
      await Promise.all(pools.map((p) => p.destroy()));
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
    },
  };
}
