import type { Knex } from 'knex';
import { currentActivities, openIncidentsPerProcess, perUnit, runningPerProcess, tasksPerWarning } from '../store/monitor.ts';

/**
 * The monitor's summary of everything running now (supervision office).
 * Usage: `const s = await monitorSummary(db, engine.clock.now())`.
 */
export async function monitorSummary(db: Knex, now: number) {
  const [processes, activities, tasks, incidents, units] = await Promise.all([
    runningPerProcess(db),
    currentActivities(db),
    tasksPerWarning(db, now),
    openIncidentsPerProcess(db),
    perUnit(db, now),
  ]);
  return {
    at: new Date(now).toISOString(),
    running: processes.reduce((s, p) => s + p.running, 0),
    processes,
    activities,
    tasks: { ...tasks, open: tasks.green + tasks.yellow + tasks.red + tasks.none },
    incidents: { open: incidents.reduce((s, i) => s + i.open, 0), perProcess: incidents },
    units,
  };
}
