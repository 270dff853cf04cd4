import type { Knex } from 'knex';
import { isPostgres } from './knex.ts';

/**
 * One SQL statement of a step's write, with `?` placeholders. `expectOne` makes the whole step
 * fail (StaleWriteError) unless the statement changed exactly one row — the optimistic lock.
 */
export interface Statement {
  sql: string;
  bindings: unknown[];
  expectOne?: boolean;
}

/** A guarded statement changed no row: someone else wrote first. The transaction was rolled back. */
export class StaleWriteError extends Error {
  constructor() {
    super('stale write');
  }
}

/**
 * Runs statements as one transaction.
 *
 * On SQLite the whole transaction goes to the driver as one script (one round trip instead of one
 * per statement — the sqlite3 driver's per-call cost bounds SQLite throughput), and steps finishing
 * at the same time share one commit.
 * Values are written as SQLite literals; `expectOne` is checked inside the script by a CHECK
 * constraint on the one-row `step_guard` table, so a stale write aborts the script.
 * On PostgreSQL the statements run one by one in a knex transaction.
 * Usage: `await runStatements(db, [insertInstanceStmt(row), ...])`.
 */
export async function runStatements(db: Knex, statements: Statement[]): Promise<void> {
  if (!statements.length) return;
  if (isPostgres(db) || !statements.every(inlinable)) {
    await db.transaction((trx) => runStatementsIn(trx, statements));
    return;
  }
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new CommitQueue(db)));
  return queue.submit(statements);
}

const queues = new WeakMap<Knex, CommitQueue>();

interface Pending {
  statements: Statement[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for SQLite: steps that finish while a commit is in flight are written together in
 * the next transaction, so one fsync serves several steps. If a group fails, each step is run
 * alone so that only the step at fault fails (a stale write is retried by its caller).
 */
class CommitQueue {
  private readonly queue: Pending[] = [];
  private busy = false;

  constructor(private readonly db: Knex) {}

  submit(statements: Statement[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const client = this.db.client as { acquireConnection(): Promise<any>; releaseConnection(c: unknown): Promise<void> };
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, 64);
        let conn: unknown;
        try {
          conn = await client.acquireConnection();
        } catch (err) {
          for (const p of group) p.reject(err);
          continue;
        }
        try {
          if (group.length > 1) {
            try {
              await runScript(conn, group.flatMap((p) => p.statements));
              for (const p of group) p.resolve();
              continue;
            } catch {
              // fall through: find the step at fault
            }
          }
          for (const p of group) {
            try {
              await runScript(conn, p.statements);
              p.resolve();
            } catch (err) {
              p.reject(err);
            }
          }
        } finally {
          await client.releaseConnection(conn);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

async function runScript(conn: any, statements: Statement[]): Promise<void> {
  const script = ['BEGIN IMMEDIATE;'];
  for (const s of statements) {
    script.push(inline(s.sql, s.bindings) + ';');
    if (s.expectOne) script.push('UPDATE step_guard SET ok = changes() WHERE id = 1;');
  }
  script.push('COMMIT;');
  try {
    await exec(conn, script.join('\n'));
  } catch (err) {
    await exec(conn, 'ROLLBACK;').catch(() => undefined);
    if (/CHECK constraint failed: step_guard_ok/.test(String((err as Error).message))) throw new StaleWriteError();
    throw err;
  }
}

/**
 * Takes the write lock at the start of a transaction on SQLite (waiting up to busy_timeout), so a
 * transaction that reads and then writes cannot be refused SQLITE_BUSY at its first write because
 * another connection (a second process on the same file) committed after its first read.
 * PostgreSQL: nothing to do (row locks and the version check suffice).
 */
export async function lockForWrite(trx: Knex | Knex.Transaction): Promise<void> {
  if (isPostgres(trx)) return;
  await trx.raw('UPDATE step_guard SET ok = 1 WHERE id = 1');
}

/** Runs statements inside an open transaction (a step whose handler also writes with `trx`). */
export async function runStatementsIn(trx: Knex | Knex.Transaction, statements: Statement[]): Promise<void> {
  for (const s of statements) {
    if (!s.expectOne) {
      await trx.raw(s.sql, s.bindings as any[]);
      continue;
    }
    const res = await trx.raw(`${s.sql} RETURNING 1 AS one`, s.bindings as any[]);
    const rows = Array.isArray(res) ? res : res.rows;
    if (rows.length !== 1) throw new StaleWriteError();
  }
}

function exec(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, sql: string): Promise<void> {
  return new Promise((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/** A NUL character would end the script early in the C API: such statements take the slow path. */
function inlinable(s: Statement): boolean {
  return s.bindings.every((b) => typeof b !== 'string' || !b.includes('\u0000'));
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'NULL';
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v.toString();
  // SQLite string literals have no backslash escapes: doubling the quote is the whole rule.
  const text = String(v);
  return text.includes("'") ? `'${text.replace(/'/g, "''")}'` : `'${text}'`;
}

function inline(sql: string, bindings: unknown[]): string {
  let i = 0;
  const out = sql.replace(/\?/g, () => {
    if (i >= bindings.length) throw new Error(`too few bindings for: ${sql}`);
    return literal(bindings[i++]);
  });
  if (i !== bindings.length) throw new Error(`too many bindings for: ${sql}`);
  return out;
}

/** `(?, ?, ?), (?, ?, ?)` for a multi-row insert of `rows` rows of `cols` columns. */
export function valuesPlaceholders(rows: number, cols: number): string {
  const one = `(${new Array(cols).fill('?').join(', ')})`;
  return new Array(rows).fill(one).join(', ');
}
