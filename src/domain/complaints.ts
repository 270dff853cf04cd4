import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import { SYSTEM } from '../engine/types.ts';
import { BadRequestError, NotFoundError, TooManyRequestsError, ValidationError, type FieldError } from '../errors.ts';
import { complaintByReceipt, countComplaintsSince, insertComplaint, listComplaints, type Complaint, type ComplaintStatus } from '../store/complaints.ts';
import { getUnit, listUnits } from '../store/org.ts';
import { appendAudit } from './audit.ts';
import type { Person } from './org.ts';

/**
 * 投诉举报 (issue 18, item 6): anyone may report, without signing in; the answer is a receipt code
 * with which the reporter follows the outcome anonymously. Each report starts complaint-handling
 * (processes/complaint-handling.bpmn): supervision verifies it within its time limit, answers, and
 * may open an accountability review.
 */

/** Public reports per client address per hour, and from everyone per hour (a flood stays bounded). */
export const COMPLAINT_LIMITS = { perAddressPerHour: 5, allPerHour: 200 };
export const COMPLAINT_MESSAGE = 'complaint-received';
const HOUR = 3600_000;
const RECEIPT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no 0/O, 1/I: read aloud or typed from paper
const RECEIPT_RE = /^TS[2-9A-HJ-NP-Z]{14}$/;

export interface ComplaintInput {
  subject: string;
  content: string;
  unitId?: string | null;
  contact?: string | null;
}

/** A fresh receipt code: "TS" + 14 symbols (70 bits). Usage: `newReceipt()` → `TS7K3M…`. */
export function newReceipt(): string {
  const bytes = randomBytes(14);
  return 'TS' + [...bytes].map((b) => RECEIPT_ALPHABET[b & 31]).join('');
}

async function checkInput(db: Knex, body: Record<string, unknown>): Promise<ComplaintInput> {
  const problems: FieldError[] = [];
  const text = (k: string, min: number, max: number, required: boolean): string | null => {
    const v = body[k];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push({ field: k, message: '必填' });
      return null;
    }
    if (typeof v !== 'string') {
      problems.push({ field: k, message: '应为文本' });
      return null;
    }
    const t = v.trim();
    if (t.length < min || t.length > max) problems.push({ field: k, message: `长度应为 ${min}–${max} 个字` });
    return t;
  };
  const subject = text('subject', 2, 100, true);
  const content = text('content', 10, 5000, true);
  const unitId = text('unitId', 1, 64, false);
  const contact = text('contact', 1, 100, false);
  const unknown = Object.keys(body).filter((k) => !['subject', 'content', 'unitId', 'contact'].includes(k));
  for (const k of unknown) problems.push({ field: k, message: '不认识的字段' });
  if (unitId && !problems.length && !(await getUnit(db, unitId))) problems.push({ field: 'unitId', message: '被投诉单位不存在' });
  if (problems.length) throw new ValidationError(problems, '投诉举报填写有误');
  return { subject: subject!, content: content!, unitId, contact };
}

async function checkRate(db: Knex, now: number, clientKey: string): Promise<void> {
  if ((await countComplaintsSince(db, now - HOUR, clientKey)) >= COMPLAINT_LIMITS.perAddressPerHour) {
    throw new TooManyRequestsError('提交过于频繁，请一小时后再试', 'COMPLAINT_RATE_LIMITED', 3600);
  }
  if ((await countComplaintsSince(db, now - HOUR, null)) >= COMPLAINT_LIMITS.allPerHour) {
    throw new TooManyRequestsError('当前提交过多，请稍后再试', 'COMPLAINT_RATE_LIMITED', 600);
  }
}

/**
 * Checks and files a complaint: the row, the complaint-handling case and the audit row commit
 * together. Public reports (no person) are rate-limited per address.
 * Usage: `const { receipt } = await submitComplaint(engine, body, { person, ip })`.
 */
export async function submitComplaint(
  engine: EngineService,
  body: unknown,
  from: { person?: Person | null; ip?: string | null; requestId?: string | null },
): Promise<{ receipt: string; instanceId: string }> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('请求体应为 JSON 对象');
  const input = await checkInput(engine.db, body as Record<string, unknown>);
  const now = engine.clock.now();
  const person = from.person ?? null;
  const clientKey = person ? null : createHash('sha256').update(`complaint:${from.ip ?? 'unknown'}`).digest('hex');
  if (clientKey) await checkRate(engine.db, now, clientKey);
  const receipt = newReceipt();
  const id = randomUUID();
  const res = await engine.correlateMessage(COMPLAINT_MESSAGE, {
    businessKey: receipt,
    by: SYSTEM,
    variables: { receipt, subject: input.subject, content: input.content, unitId: input.unitId ?? null, source: person ? 'internal' : 'public' },
    hook: async (trx, step: any) => {
      const complaint: Complaint = {
        id,
        receipt,
        ...input,
        unitId: input.unitId ?? null,
        contact: input.contact ?? null,
        source: person ? 'internal' : 'public',
        reporter: person?.id ?? null,
        clientKey,
        status: 'handling',
        finding: null,
        outcome: null,
        instanceId: step.instance.id,
        concludedBy: null,
        createdAt: now,
        concludedAt: null,
      };
      await insertComplaint(trx, complaint);
      // The audit names the complaint, never the reporter's contact or address.
      await appendAudit(trx, { actor: person?.id ?? 'anonymous', action: 'complaint.submit', objectType: 'complaint', objectId: id, instanceId: step.instance.id, requestId: from.requestId ?? null, after: { receipt, subject: input.subject, unitId: input.unitId ?? null, source: complaint.source } }, now);
    },
  });
  return { receipt, instanceId: res.instance.id };
}

const STATUS_LABELS: Record<ComplaintStatus, string> = { handling: '核查中', concluded: '已办结' };
const FINDING_LABELS: Record<string, string> = { unfounded: '经核查不属实', founded: '经核查属实，已责令整改', accountability: '经核查属实，已启动责任追究' };

/**
 * What a reporter may see by receipt code: status and outcome only (not the content, the unit or
 * who handled it). 400 for a malformed code, 404 for an unknown one.
 * Usage: `await complaintStatus(db, 'TS…')`.
 */
export async function complaintStatus(db: Knex, receipt: string) {
  const code = receipt.trim().toUpperCase();
  if (!RECEIPT_RE.test(code)) throw new BadRequestError('受理编号格式不正确', undefined, 'BAD_RECEIPT');
  const c = await complaintByReceipt(db, code);
  if (!c) throw new NotFoundError('没有这个受理编号', 'COMPLAINT_NOT_FOUND');
  return {
    receipt: c.receipt,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    submittedAt: new Date(c.createdAt).toISOString(),
    concludedAt: c.concludedAt === null ? null : new Date(c.concludedAt).toISOString(),
    finding: c.finding,
    findingLabel: c.finding ? FINDING_LABELS[c.finding] : null,
    outcome: c.outcome,
  };
}

/** Supervision's list of complaints (content and contact included). Usage: `await complaintList(db, { status: 'handling' })`. */
export async function complaintList(db: Knex, f: { status?: ComplaintStatus } = {}) {
  return (await listComplaints(db, f)).map(({ clientKey: _k, ...c }) => ({
    ...c,
    createdAt: new Date(c.createdAt).toISOString(),
    concludedAt: c.concludedAt === null ? null : new Date(c.concludedAt).toISOString(),
  }));
}

/**
 * The units a public reporter may name (the public complaint page's choice): id and name only,
 * the vendor's account unit left out. Usage: `await complaintUnits(db)`.
 */
export async function complaintUnits(db: Knex): Promise<Array<{ id: string; name: string }>> {
  return (await listUnits(db)).filter((u) => u.kind !== 'vendor').map((u) => ({ id: u.id, name: u.name }));
}
