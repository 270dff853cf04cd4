import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit.ts';
import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { boundProcessKeys, instancesInPeriod, stepsOf } from '../../store/exchange.ts';
import { warningLevel } from '../../engine/tasks.ts';
import type { Period } from './periods.ts';
import type { PackagedProject } from '../projects/package.ts';

/**
 * The power-operations package: every power-item case of a period with its steps, times and
 * outcome. The same versioned JSON schema serves the monthly provincial upload (Art. 5) and the
 * district exchange file (Art. 6); `docs/operations-schema.md` documents it.
 */
export const OPERATIONS_SCHEMA = 'pcp-operations/1';

export interface OperationStep {
  elementId: string;
  name: string | null;
  status: string;
  assignee: string | null;
  completedBy: string | null;
  createdAt: string;
  completedAt: string | null;
  dueAt: string | null;
  warning: string;
}

export interface Operation {
  id: string;
  itemCode: string;
  itemName: string | null;
  processKey: string;
  processVersion: string;
  businessKey: string | null;
  status: string;
  outcome: string | null;
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  steps: OperationStep[];
}

export interface OperationsPackage {
  schema: typeof OPERATIONS_SCHEMA;
  source: { unitId: string; unitName: string };
  period: { from: string; to: string };
  generatedAt: string;
  operations: Operation[];
  /** The provincial package only: the self-built projects run on the platform in the period (Art. 3). */
  projects?: PackagedProject[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A power-item case is an instance of a procedure a catalog item is bound to (its variables carry
 * the item's `itemCode`).
 * Usage: `await buildOperationsPackage(db, monthPeriod('2026-11'), source, now)`; a district's file
 * passes the ids of its people as `startedBy`, so the city's own cases are never packaged as the district's.
 */
export async function buildOperationsPackage(
  db: Knex,
  period: Period,
  source: { unitId: string; unitName: string },
  now: number,
  /** Only the cases started by these people (a district's own operations); all when absent. */
  startedBy?: ReadonlySet<string>,
): Promise<OperationsPackage> {
  const bound = await boundProcessKeys(db);
  const cases = (await instancesInPeriod(db, period.from, period.to)).filter(
    (i) => bound.has(i.processKey) && typeof i.variables.itemCode === 'string' && (!startedBy || startedBy.has(i.startedBy)),
  );
  const steps = await stepsOf(
    db,
    cases.map((c) => c.instanceId),
  );
  const operations: Operation[] = cases.map((c) => ({
    id: c.instanceId,
    itemCode: String(c.variables.itemCode),
    itemName: typeof c.variables.itemName === 'string' ? c.variables.itemName : null,
    processKey: c.processKey,
    processVersion: c.definitionId,
    businessKey: c.businessKey,
    status: c.status,
    outcome: outcomeOf(c.variables),
    startedBy: c.startedBy,
    startedAt: iso(c.startedAt)!,
    endedAt: iso(c.endedAt),
    steps: steps
      .filter((s) => s.instanceId === c.instanceId)
      .map((s) => ({
        elementId: s.elementId,
        name: s.name,
        status: s.status,
        assignee: s.assignee,
        completedBy: s.completedBy,
        createdAt: iso(s.createdAt)!,
        completedAt: iso(s.completedAt),
        dueAt: iso(s.dueAt),
        warning: warningLevel({ dueAt: s.dueAt, yellowAt: s.yellowAt, status: s.status as 'open', completedAt: s.completedAt }, now),
      })),
  }));
  return {
    schema: OPERATIONS_SCHEMA,
    source,
    period: { from: beijingDate(period.from), to: beijingDate(period.to - 1) },
    generatedAt: new Date(now).toISOString(),
    operations,
  };
}

/** What a finished case decided, in the variables the procedures use. */
function outcomeOf(v: Record<string, unknown>): string | null {
  for (const k of ['outcome', 'decision', 'result']) if (typeof v[k] === 'string') return v[k] as string;
  return null;
}

export { canonicalJson };

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

