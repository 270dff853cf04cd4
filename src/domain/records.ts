import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../engine/types.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../errors.ts';
import { getItem, type Approval } from '../store/catalog.ts';
import { getUnit } from '../store/org.ts';
import {
  archiveRecord,
  getArchiveEntry,
  getPowerRecord,
  getProject,
  insertPowerRecord,
  insertProject,
  lastIdWithPrefix,
  listPowerRecords,
  listProjects,
  restoreArchived,
  type ArchiveEntry,
  type PowerRecord,
  type Project,
  type RecordKind,
} from '../store/records.ts';

/**
 * Business records staff enter: power-operation records (权力运行记录) and self-built projects
 * (自建工程). They are created here and removed only by the data-deletion procedure (Art. 7), which
 * moves them into the archive; supervision can restore them.
 */

/** Art. 3: self-built projects with a one-time investment of 300,000 CNY or more run online. */
export const ONLINE_THRESHOLD_CNY = 300_000;

export const RECORD_KINDS: Record<RecordKind, string> = { 'power-record': '权力运行记录', project: '自建工程项目' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function beijingYear(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 4);
}

export interface NewPowerRecord {
  itemCode: string;
  unitId: string;
  caseNo?: string | null;
  partyName: string;
  summary: string;
  result?: string | null;
  handledOn: string;
  instanceId?: string | null;
}

/**
 * Enters a power-operation record. Throws 422 with the fields at fault.
 * Usage: `await createPowerRecord(db, { itemCode: 'XK-0001', … }, { by: 'staff', now })`.
 */
export async function createPowerRecord(db: Knex | Knex.Transaction, input: NewPowerRecord, opts: { by: string; now: number }): Promise<PowerRecord> {
  const errors: FieldError[] = [];
  if (!input.itemCode || !(await getItem(db as Knex, input.itemCode))) errors.push({ field: 'itemCode', message: '权力事项不在目录中' });
  if (!input.unitId || !(await getUnit(db as Knex, input.unitId))) errors.push({ field: 'unitId', message: '单位不存在' });
  if (!input.partyName?.trim()) errors.push({ field: 'partyName', message: '“当事人”为必填项' });
  if (!input.summary?.trim()) errors.push({ field: 'summary', message: '“办理情况”为必填项' });
  if (!DATE.test(input.handledOn ?? '') || Number.isNaN(Date.parse(input.handledOn))) errors.push({ field: 'handledOn', message: '“办理日期”不是有效的日期' });
  if (errors.length) throw new ValidationError(errors);
  const year = beijingYear(opts.now);
  const prefix = `QL-${year}-`;
  const id = `${prefix}${String((await lastIdWithPrefix(db, 'power-record', prefix)) + 1).padStart(4, '0')}`;
  const row: PowerRecord = {
    id,
    itemCode: input.itemCode,
    unitId: input.unitId,
    caseNo: input.caseNo ?? null,
    partyName: input.partyName.trim(),
    summary: input.summary.trim(),
    result: input.result ?? null,
    handledOn: input.handledOn,
    instanceId: input.instanceId ?? null,
    enteredBy: opts.by,
    enteredAt: opts.now,
  };
  await insertPowerRecord(db, row);
  return row;
}

export interface NewProject {
  name: string;
  unitId: string;
  /** One-time investment in CNY. */
  investment: number;
  location?: string | null;
  plannedStart?: string | null;
  stage?: Project['stage'];
  note?: string | null;
}

/**
 * Enters a self-built project. A project of 300,000 CNY or more can only be entered by the 立项 of
 * the self-built-project procedure (`opts.instanceId`, the run it is entered on): anywhere else it
 * is refused with 422 `PROJECT_REQUIRES_PROCEDURE` (Art. 3: such projects run online, from 立项).
 * Usage: `await createProject(db, { name, unitId, investment: 180000 }, { by: 'itc', now })`.
 */
export async function createProject(db: Knex | Knex.Transaction, input: NewProject, opts: { by: string; now: number; instanceId?: string }): Promise<Project> {
  const errors: FieldError[] = [];
  if (!input.name?.trim()) errors.push({ field: 'name', message: '“项目名称”为必填项' });
  if (!input.unitId || !(await getUnit(db as Knex, input.unitId))) errors.push({ field: 'unitId', message: '单位不存在' });
  if (!(typeof input.investment === 'number' && Number.isFinite(input.investment) && input.investment >= 0 && input.investment < 1e12)) {
    errors.push({ field: 'investment', message: '“一次性投资额”应为不小于 0 的金额' });
  } else if (Math.round(input.investment * 100) !== input.investment * 100) {
    errors.push({ field: 'investment', message: '“一次性投资额”最多保留两位小数' });
  }
  if (input.plannedStart && !DATE.test(input.plannedStart)) errors.push({ field: 'plannedStart', message: '“计划开工日期”不是有效的日期' });
  if (input.stage && !['planned', 'building', 'completed'].includes(input.stage)) errors.push({ field: 'stage', message: '“建设阶段”无效' });
  if (errors.length) throw new ValidationError(errors);
  if (input.investment >= ONLINE_THRESHOLD_CNY && !opts.instanceId) {
    throw new AppError(422, 'PROJECT_REQUIRES_PROCEDURE', '一次性投资 30 万元以上的自建工程须通过“自建工程项目”流程立项，网上运行（第三条）', [
      { field: 'investment', message: '30 万元以上的项目请发起“自建工程项目”流程' },
    ]);
  }
  const id = await nextProjectId(db, opts.now);
  const row: Project = {
    id,
    name: input.name.trim(),
    unitId: input.unitId,
    investment: input.investment,
    location: input.location ?? null,
    plannedStart: input.plannedStart ?? null,
    stage: input.stage ?? 'planned',
    onlineRequired: input.investment >= ONLINE_THRESHOLD_CNY,
    instanceId: opts.instanceId ?? null,
    note: input.note ?? null,
    enteredBy: opts.by,
    enteredAt: opts.now,
  };
  await insertProject(db, row);
  return row;
}

/** The next project id of the Beijing year of `now`: ZJ-2026-001, … (archived ids are not reused). */
export async function nextProjectId(db: Knex | Knex.Transaction, now: number): Promise<string> {
  const prefix = `ZJ-${beijingYear(now)}-`;
  return `${prefix}${String((await lastIdWithPrefix(db, 'project', prefix)) + 1).padStart(3, '0')}`;
}

export interface DeletionTarget {
  kind: RecordKind;
  recordId: string;
}

/** Reads the records list out of a data-deletion instance's variables. */
export function targetsFromVariables(v: Record<string, unknown>): DeletionTarget[] {
  const rows = Array.isArray(v.records) ? v.records : [];
  return rows.map((r: any) => ({ kind: r?.kind, recordId: String(r?.recordId ?? '') }));
}

async function getRecord(db: Knex | Knex.Transaction, t: DeletionTarget): Promise<{ enteredBy: string } | undefined> {
  return t.kind === 'project' ? getProject(db, t.recordId) : t.kind === 'power-record' ? getPowerRecord(db, t.recordId) : undefined;
}

/**
 * Why a deletion request cannot go ahead (empty when it can): every record must exist, be named
 * once, and have been entered by the applicant (Art. 7: "数据录入人").
 */
export async function deletionProblems(db: Knex | Knex.Transaction, applicant: string, targets: DeletionTarget[]): Promise<string[]> {
  if (!targets.length) return ['未列出拟删除的数据'];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const label = `${RECORD_KINDS[t.kind] ?? t.kind} ${t.recordId}`;
    const key = `${t.kind}:${t.recordId}`;
    if (seen.has(key)) {
      problems.push(`${label} 重复列出`);
      continue;
    }
    seen.add(key);
    const rec = await getRecord(db, t);
    if (!rec) problems.push(`${label} 不存在或已删除`);
    else if (rec.enteredBy !== applicant) problems.push(`${label} 不是申请人录入的数据，只能由录入人申请删除`);
  }
  return problems;
}

/**
 * Moves the requested records into the archive (the only deletion of business records). Returns
 * the archive entries, or the problems that stop it (then nothing is deleted).
 */
export async function archiveRecords(
  trx: Knex.Transaction,
  request: { instanceId: string; applicant: string; content: string; reason: string; targets: DeletionTarget[]; approvals: Approval[]; deletedBy: string; now: number },
): Promise<{ ok: true; entries: ArchiveEntry[] } | { ok: false; problems: string[] }> {
  const problems = await deletionProblems(trx, request.applicant, request.targets);
  if (problems.length) return { ok: false, problems };
  const entries: ArchiveEntry[] = [];
  for (const t of request.targets) {
    const entry = {
      id: randomUUID(),
      recordKind: t.kind,
      recordId: t.recordId,
      instanceId: request.instanceId,
      content: request.content,
      reason: request.reason,
      requestedBy: request.applicant,
      approvals: request.approvals,
      deletedBy: request.deletedBy,
      deletedAt: request.now,
    };
    // Checked just above in this transaction; a concurrent deletion makes the whole step roll back.
    if (!(await archiveRecord(trx, entry))) throw new ConflictError(`${RECORD_KINDS[t.kind]} ${t.recordId} 已不存在`, 'RECORD_GONE');
    entries.push((await getArchiveEntry(trx, entry.id))!);
  }
  return { ok: true, entries };
}

/**
 * Restores an archived record to its table. Only the supervision office may (Art. 7 makes it the
 * keeper of deletions).
 * Usage: `await restoreRecord(db, archiveId, { by: actor, reason: '误删，恢复', now })`.
 */
export async function restoreRecord(db: Knex, archiveId: string, opts: { by: Actor; reason: string; now: number }): Promise<ArchiveEntry> {
  if (!opts.by.system && !opts.by.groups.includes('supervision')) throw new ForbiddenError('只有局监察室可以恢复已删除的数据', 'NOT_SUPERVISION');
  if (!opts.reason?.trim()) throw new ValidationError([{ field: 'reason', message: '“恢复原因”为必填项' }]);
  const entry = await getArchiveEntry(db, archiveId);
  if (!entry) throw new NotFoundError('归档记录不存在', 'ARCHIVE_NOT_FOUND');
  if (entry.status !== 'archived') throw new ConflictError('该数据已恢复', 'ALREADY_RESTORED');
  const restored = await db.transaction((trx) => restoreArchived(trx, archiveId, opts.by.id, opts.reason.trim(), opts.now));
  if (!restored) throw new ConflictError('该数据已恢复', 'ALREADY_RESTORED');
  return restored;
}

/**
 * Self-built projects that must run online (Art. 3, ≥ 300,000 CNY) but have no online instance:
 * what supervision checks under Art. 13 (1).
 * Usage: `const missing = await projectsNotOnline(db)`.
 */
export async function projectsNotOnline(db: Knex): Promise<Project[]> {
  return listProjects(db, { onlineRequired: true, notOnline: true, limit: 1000 });
}

/** The records of a deletion request in words, for reviewers: “权力运行记录 QL-2026-0002：王某，…”. */
export async function describeTargets(db: Knex | Knex.Transaction, targets: DeletionTarget[]): Promise<string> {
  const lines: string[] = [];
  for (const t of targets) {
    const label = `${RECORD_KINDS[t.kind] ?? t.kind} ${t.recordId}`;
    if (t.kind === 'project') {
      const p = await getProject(db, t.recordId);
      lines.push(p ? `${label}：${p.name}，投资 ${p.investment} 元` : label);
    } else {
      const r = await getPowerRecord(db, t.recordId);
      lines.push(r ? `${label}：${r.itemCode} ${r.partyName}，${r.summary}（${r.handledOn}）` : label);
    }
  }
  return lines.join('\n');
}

/**
 * The records a person entered and may ask to delete (Art. 7: only the person who entered them),
 * as select options: `QL-2026-0003 · 常州某置业有限公司 · 2026-09-15`.
 * Usage: `const options = await deletableRecordsOf(db, 'staff')`.
 */
export async function deletableRecordsOf(db: Knex, userId: string): Promise<Array<{ label: string; value: string }>> {
  const [records, projects] = await Promise.all([listPowerRecords(db, { enteredBy: userId, limit: 500 }), listProjects(db, { enteredBy: userId, limit: 500 })]);
  return [
    ...records.map((r) => ({ value: r.id, label: `${r.id} · ${RECORD_KINDS['power-record']} · ${r.partyName} · ${r.handledOn}` })),
    ...projects.map((p) => ({ value: p.id, label: `${p.id} · ${RECORD_KINDS.project} · ${p.name}` })),
  ];
}
