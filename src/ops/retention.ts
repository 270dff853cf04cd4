import { beijingDate } from '../lib/workdays.ts';

/** How many backups to keep: the newest of each of the last `daily` days and `monthly` months. */
export interface RetentionPolicy {
  daily: number;
  monthly: number;
}

/**
 * Which backups to delete, given the times they were taken. Kept: the newest backup of each of
 * the last `policy.daily` days (today included) and of each of the last `policy.monthly` months
 * (this month included), days and months in Beijing time; the newest backup taken so far, whatever
 * its age; and anything dated after `now` (a clock we do not understand is no reason to delete).
 * Pure: no files, no clock.
 * Usage: `backupsToDelete(times, Date.now(), { daily: 30, monthly: 12 })`.
 */
export function backupsToDelete(times: number[], now: number, policy: RetentionPolicy): number[] {
  const today = beijingDate(now);
  const firstDay = beijingDate(now - Math.max(policy.daily - 1, 0) * 86_400_000);
  const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const thisMonth = monthIndex(today);
  const newestFirst = [...times].sort((a, b) => b - a);
  const keep = new Set<number>(newestFirst.filter((t) => t <= now).slice(0, 1));
  const days = new Set<string>();
  const months = new Set<number>();
  for (const t of newestFirst) {
    if (t > now) {
      keep.add(t);
      continue;
    }
    const day = beijingDate(t);
    if (policy.daily > 0 && day >= firstDay && !days.has(day)) {
      days.add(day);
      keep.add(t);
    }
    const month = monthIndex(day);
    if (thisMonth - month < policy.monthly && !months.has(month)) {
      months.add(month);
      keep.add(t);
    }
  }
  return times.filter((t) => !keep.has(t));
}
