import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { beijingDate, beijingDayStart } from '../lib/workdays.ts';
import { claimRun, finishRun, releaseRun } from '../store/schedule.ts';
import { backup, backupTimeOf } from './backup.ts';
import type { OpsTarget } from './database.ts';
import { manifestPathOf } from './manifest.ts';
import { backupsToDelete, type RetentionPolicy } from './retention.ts';
import { Ticker } from '../lib/ticker.ts';

export interface BackupScheduleOptions {
  db: Knex;
  clock: Clock;
  node: string;
  /** The database to back up (the one the server runs on). */
  target: OpsTarget;
  dir: string;
  /** Minutes after Beijing midnight from which the day's backup is due. */
  atMinutes: number;
  policy: RetentionPolicy;
  logger?: Logger;
}

/**
 * The daily backup in the server (only when BACKUP_DIR is set): every tick each node asks whether
 * today's backup is due; the first to claim the day in scheduled_runs takes it, then prunes
 * BACKUP_DIR by the retention policy. A failed backup releases the day for the next tick.
 * Usage: `new BackupScheduler(opts).start(60_000)`; tests call `await s.tick()`.
 */
export class BackupScheduler {
  constructor(private readonly o: BackupScheduleOptions) {}
  private readonly ticker = new Ticker(() => this.tick(), (err) => this.o.logger?.error({ err }, 'scheduled backup failed'));

  start(intervalMs = 60_000): void {
    this.ticker.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.ticker.stop();
  }

  /** Takes today's backup if it is due and no node took it yet; says what it did. */
  async tick(now = this.o.clock.now()): Promise<'not due' | 'done before' | { file: string; deleted: string[] }> {
    if (now < beijingDayStart(now) + this.o.atMinutes * 60_000) return 'not due';
    const day = beijingDate(now);
    if (!(await claimRun(this.o.db, 'backup', day, this.o.node, now))) return 'done before';
    try {
      const r = await backup(this.o.target, this.o.dir, this.o.clock);
      const deleted = pruneBackups(this.o.dir, this.o.clock.now(), this.o.policy);
      const result = { file: r.file, deleted };
      await finishRun(this.o.db, 'backup', day, this.o.clock.now(), { file: path.basename(r.file), bytes: r.manifest.bytes, ms: r.ms, deleted: deleted.map((f) => path.basename(f)) });
      this.o.logger?.info({ file: r.file, bytes: r.manifest.bytes, ms: r.ms, deleted: deleted.length }, 'scheduled backup done');
      return result;
    } catch (err) {
      await releaseRun(this.o.db, 'backup', day);
      throw err;
    }
  }
}

/**
 * Deletes the backups (and their manifests) in `dir` that the retention policy no longer keeps;
 * returns the deleted backup files. Files not named like a backup are left alone.
 */
export function pruneBackups(dir: string, now: number, policy: RetentionPolicy): string[] {
  const byTime = new Map<number, string[]>();
  for (const name of fs.readdirSync(dir)) {
    const t = backupTimeOf(name);
    if (t !== null) byTime.set(t, [...(byTime.get(t) ?? []), path.join(dir, name)]);
  }
  const deleted: string[] = [];
  for (const t of backupsToDelete([...byTime.keys()], now, policy)) {
    for (const file of byTime.get(t)!) {
      fs.rmSync(manifestPathOf(file), { force: true });
      fs.rmSync(file, { force: true });
      deleted.push(file);
    }
  }
  return deleted;
}
