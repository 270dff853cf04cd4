import type { Knex } from 'knex';
import type { WorkCalendar } from '../lib/workdays.ts';
import { calendarCoverage } from './calendar.ts';
import { currentActivities, openIncidentsPerProcess, perUnit, runningPerProcess, tasksPerWarning } from '../store/monitor.ts';

/**
 * The monitor's summary of everything running now (supervision office). `nameOf` names the
 * elements that have no task row (timers, service calls, message waits) from their definition.
 * With the working calendar, `calendar` says how far it knows the holidays and warns when that is
 * less than the next 90 days.
 * Usage: `const s = await monitorSummary(db, engine.clock.now(), nameOf, engine.calendar)`.
 */
export async function monitorSummary(
  db: Knex,
  now: number,
  nameOf?: (processKey: string, elementId: string) => Promise<string | null>,
  calendar?: WorkCalendar,
) {
  const [processes, found, tasks, incidents, units] = await Promise.all([
    runningPerProcess(db),
    currentActivities(db),
    tasksPerWarning(db, now),
    openIncidentsPerProcess(db),
    perUnit(db, now),
  ]);
  const activities = await Promise.all(found.map(async (a) => (a.name || !nameOf ? a : { ...a, name: await nameOf(a.processKey, a.elementId).catch(() => null) })));
  return {
    at: new Date(now).toISOString(),
    running: processes.reduce((s, p) => s + p.running, 0),
    processes,
    activities,
    tasks: { ...tasks, open: tasks.green + tasks.yellow + tasks.red + tasks.none },
    incidents: { open: incidents.reduce((s, i) => s + i.open, 0), perProcess: incidents },
    units,
    ...(calendar ? { calendar: calendarCoverage(calendar, now) } : {}),
  };
}
