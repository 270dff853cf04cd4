import Router from '@koa/router';
import { listAudit, verifyAudit } from '../domain/audit.ts';
import { listLoginEvents } from '../store/auth.ts';
import { ForbiddenError } from '../errors.ts';
import { auditAsSeen } from '../domain/personal-data.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import { listBody, page, QueryReader } from './input.ts';
import { iso } from './present.ts';

/** Who reads the audit trail and sign-in records: the supervision office and the security auditor (三员分立). */
const AUDIT_READERS = ['supervision', 'security-auditors'];

function requireAuditReader(ctx: Parameters<typeof me>[0]): void {
  if (!me(ctx).groups.some((g) => AUDIT_READERS.includes(g))) {
    throw new ForbiddenError('仅监察室和安全审计员可以查阅审计日志和登录记录', 'FORBIDDEN', { requiredGroup: AUDIT_READERS });
  }
}

/** The audit trail and sign-in records, for the supervision office and the security auditor. */
export function auditRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db } = deps;

  r.get('/audit', async (ctx) => {
    requireAuditReader(ctx);
    const q = new QueryReader(ctx.query);
    const filter = {
      actor: q.string('actor', 100),
      instanceId: q.string('instance', 36),
      action: q.string('action', 60),
      objectType: q.string('objectType', 40),
      objectId: q.string('objectId', 200),
      from: q.time('from'),
      to: q.time('to'),
      ...page(q),
    };
    // Citizens' personal data in audited changes is masked like on the instance page; supervision
    // may ask for it in full (?reveal=personal), and that read is audited in turn.
    const reveal = q.oneOf('reveal', ['personal'] as const) === 'personal';
    q.done();
    const { rows, total } = await listAudit(db, filter);
    const client = clientOf(ctx);
    const seen = await auditAsSeen(db, deps.engine, rows, me(ctx), { reveal, instanceId: filter.instanceId, ip: client.ip, requestId: client.requestId });
    ctx.body = { ...listBody(ctx, seen.rows.map((r) => ({ ...r, at: iso(r.at) })), total, filter), personalData: { masked: seen.masked.length > 0, fields: seen.masked } };
  });

  r.get('/audit/verify', async (ctx) => {
    requireAuditReader(ctx);
    ctx.body = await verifyAudit(db);
  });

  r.get('/login-events', async (ctx) => {
    requireAuditReader(ctx);
    const q = new QueryReader(ctx.query);
    const filter = { username: q.string('username', 100), success: q.bool('success'), from: q.time('from'), to: q.time('to'), ...page(q) };
    q.done();
    const { rows, total } = await listLoginEvents(db, filter);
    ctx.body = listBody(ctx, rows.map((e) => ({ ...e, at: iso(e.at) })), total, filter);
  });

  return r;
}
