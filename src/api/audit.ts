import Router from '@koa/router';
import { listAudit, loginEvents } from '../domain/audit.ts';
import { chainAndVerify, latestVerification } from '../domain/audit-chain.ts';
import { ForbiddenError } from '../errors.ts';
import { auditAsSeen } from '../domain/personal-data.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import * as api from './contracts/audit.ts';
import { listBody } from './input.ts';
import { iso } from './present.ts';
import { routeMounter } from './route.ts';

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

  const route = routeMounter(r, deps.limits.jsonBytes);

  route(api.auditList, async (ctx, { query }) => {
    requireAuditReader(ctx);
    const filter = { actor: query.actor, instanceId: query.instance, action: query.action, objectType: query.objectType, objectId: query.objectId, from: query.from, to: query.to, limit: query.limit, offset: query.offset };
    // Citizens' personal data in audited changes is masked like on the instance page; supervision
    // may ask for it in full (?reveal=personal), and that read is audited in turn.
    const { rows, total } = await listAudit(db, filter);
    const client = clientOf(ctx);
    const seen = await auditAsSeen(db, deps.engine, rows, me(ctx), { reveal: query.reveal === 'personal', instanceId: filter.instanceId, ip: client.ip, requestId: client.requestId });
    return { ...listBody(ctx, seen.rows.map((r) => ({ ...r, at: iso(r.at) })), total, filter), personalData: { masked: seen.masked.length > 0, fields: seen.masked } };
  });

  // Links the queued rows, re-hashes the whole chain and keeps the result.
  route(api.auditVerify, async (ctx) => {
    requireAuditReader(ctx);
    const now = deps.engine.clock.now();
    return { ...(await chainAndVerify(db, now)), verifiedAt: iso(now) };
  });

  // The last verification kept (by any node's periodic check or the route above): the monitor
  // shows it on every load without re-hashing the whole chain; the first time, it verifies now.
  route(api.auditVerification, async (ctx) => {
    requireAuditReader(ctx);
    const last = await latestVerification(db);
    if (last) return { ...last.result, verifiedAt: iso(last.at) };
    const now = deps.engine.clock.now();
    return { ...(await chainAndVerify(db, now)), verifiedAt: iso(now) };
  });

  route(api.loginEvents, async (ctx, { query }) => {
    requireAuditReader(ctx);
    const { rows, total } = await loginEvents(db, query);
    return listBody(ctx, rows.map((e) => ({ ...e, at: iso(e.at) })), total, query);
  });

  return r;
}
