import Router from '@koa/router';
import { projectWarnings } from '../domain/projects/package.ts';
import type { Context } from 'koa';
import { appendAudit } from '../domain/audit.ts';
import { caseWarnings } from '../store/cases.ts';
import { BadRequestError, ForbiddenError } from '../errors.ts';
import { createDistrictKey, exportDistrictFile, importDistrictFile, MAX_EXCHANGE_BYTES, registerDistrictKey } from '../domain/supervision/exchange.ts';
import { loginCompliance } from '../domain/supervision/logins.ts';
import { datePeriod, monthOf, isoWeekOf } from '../domain/supervision/periods.ts';
import { createUpload, recordUpload, uploadFile, verifyUploadFile } from '../domain/supervision/provincial.ts';
import { complianceReport } from '../domain/supervision/report.ts';
import { cancelNeedsApproval } from '../domain/cancellation.ts';
import { appraisalStats, statsCsv } from '../domain/supervision/stats.ts';
import { confirmSuggestion, dismissSuggestion } from '../domain/supervision/suggestions.ts';
import { listSuggestions } from '../store/compliance.ts';
import { districtOperations, listDistrictKeys, listImports, listUploads } from '../store/exchange.ts';
import { accountabilityCountsByPerson, remindersByPerson } from '../store/stats.ts';
import { listNotifications, markNotificationsRead } from '../store/notifications.ts';
import { clientOf, me, requireGroup, requireSupervision, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, listBody, page, QueryReader } from './input.ts';
import { iso } from './present.ts';

/**
 * Electronic supervision (电子监察): notifications, login compliance, provincial uploads, district
 * exchange, appraisal statistics, the compliance report and suggested accountability cases.
 * Reading is for the supervision office (statistics also for unit heads, of their own unit);
 * uploads for the engineering office; exports for district reporters.
 */
export function supervisionRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db, engine } = deps;
  const json = jsonBody(deps.limits.jsonBytes);
  const exchangeJson = jsonBody(MAX_EXCHANGE_BYTES + 1024);
  const now = () => engine.clock.now();

  /** Runs `work` and its audit row in one transaction. */
  async function audited<T>(ctx: Context, action: string, objectType: string, work: (trx: any) => Promise<T>, describe: (r: T) => { objectId?: string | null; after?: unknown; before?: unknown }): Promise<T> {
    const client = clientOf(ctx);
    const actor = me(ctx).id;
    return db.transaction(async (trx) => {
      const result = await work(trx);
      await appendAudit(trx, { actor, action, objectType, ip: client.ip, requestId: client.requestId, ...describe(result) }, now());
      return result;
    });
  }

  // ---- notifications (everyone, their own) ----
  r.get('/notifications', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const unread = q.bool('unread');
    const p = page(q);
    q.done();
    const res = await listNotifications(db, me(ctx).id, { unread, ...p });
    ctx.body = { ...listBody(ctx, res.rows.map(notificationJson), res.total, p), unread: res.unread };
  });

  r.post('/notifications/read', json, async (ctx) => {
    const { ids } = bodyFields(ctx, { ids: { type: 'array', max: 500 } });
    if (ids && !ids.every((x: unknown) => typeof x === 'string')) throw new BadRequestError('ids 应为字符串数组');
    const person = me(ctx);
    const updated = await audited(ctx, 'notifications.read', 'notification', (trx) => markNotificationsRead(trx, person.id, ids ?? 'all', now()), (n) => ({ after: { updated: n } }));
    ctx.body = { updated };
  });

  // ---- login compliance (Art. 5) ----
  r.get('/compliance/logins', async (ctx) => {
    requireSupervision(ctx);
    const q = new QueryReader(ctx.query);
    const week = q.string('week', 10) ?? isoWeekOf(now()).key;
    q.done();
    const res = await loginCompliance(db, week, now());
    ctx.body = { week, from: iso(res.week.from), to: iso(res.week.to), lines: res.lines.map((l) => ({ ...l, checkedAt: iso(l.checkedAt) })) };
  });

  // ---- compliance report, statistics ----
  r.get('/compliance/report', async (ctx) => {
    requireSupervision(ctx);
    const period = periodFrom(ctx);
    ctx.body = await complianceReport(deps.readDb ?? db, engine.calendar, period, now(), { sunshineLagDays: deps.sunshineLagDays, cancelNeedsApproval: (key) => cancelNeedsApproval(engine, key) });
  });

  const stats = async (ctx: Context) => {
    const person = me(ctx);
    const isSupervision = person.groups.includes('supervision');
    if (!isSupervision && !person.groups.includes('unit-heads')) throw new ForbiddenError('仅监察室或处室负责人可以查看考核统计', 'FORBIDDEN');
    const period = periodFrom(ctx);
    const rdb = deps.readDb ?? db;
    const result = await appraisalStats(rdb, engine.calendar, {
      from: period.from,
      to: period.to,
      now: now(),
      accountability: await accountabilityCountsByPerson(rdb, period.from, period.to),
      reminded: await remindersByPerson(rdb, period.from, period.to),
    });
    // A unit head sees their own unit only.
    if (!isSupervision) {
      result.people = result.people.filter((p) => p.unitId === person.unitId);
      result.units = result.units.filter((u) => u.unitId === person.unitId);
    }
    return result;
  };
  r.get('/stats', async (ctx) => {
    const s = await stats(ctx);
    ctx.body = { ...s, from: iso(s.from), to: iso(s.to) };
  });
  r.get('/stats.csv', async (ctx) => {
    const s = await stats(ctx);
    ctx.set('Content-Disposition', `attachment; filename="appraisal-${new Date(s.from + 8 * 3_600_000).toISOString().slice(0, 10)}.csv"`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = statsCsv(s);
  });

  // ---- power-item case warnings and suggested accountability (Art. 13) ----
  r.get('/case-warnings', async (ctx) => {
    requireSupervision(ctx);
    ctx.body = { items: (await caseWarnings(db)).map((c) => ({ ...c, dueAt: iso(c.dueAt), accountabilityQueuedAt: iso(c.accountabilityQueuedAt) })) };
  });

  // 自建工程风险预警 (化整为零, 验收后签证, 超合同支付, 漏报月报), with their evidence.
  r.get('/project-warnings', async (ctx) => {
    requireSupervision(ctx);
    ctx.body = { items: (await projectWarnings(db)).map((w) => ({ ...w, createdAt: iso(w.createdAt) })) };
  });

  r.get('/accountability-suggestions', async (ctx) => {
    requireSupervision(ctx);
    const q = new QueryReader(ctx.query);
    const status = q.oneOf('status', ['open', 'confirmed', 'dismissed'] as const);
    q.done();
    ctx.body = { items: (await listSuggestions(db, status)).map((s) => ({ ...s, createdAt: iso(s.createdAt), decidedAt: iso(s.decidedAt) })) };
  });

  r.post('/accountability-suggestions/:id/confirm', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const { facts } = bodyFields(ctx, { facts: { type: 'string', max: 4000 } });
    ctx.body = await confirmSuggestion(deps, ctx.params.id, person, facts, clientOf(ctx));
  });

  r.post('/accountability-suggestions/:id/dismiss', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, nonEmpty: true, max: 1000 } });
    ctx.body = await audited(ctx, 'suggestion.dismiss', 'accountability-suggestion', (trx) => dismissSuggestion(trx, ctx.params.id, person.id, now()), () => ({ objectId: ctx.params.id, after: { status: 'dismissed', reason } }));
  });

  // ---- provincial upload (Art. 5) ----
  const canSeeUploads = (ctx: Context) => {
    const p = me(ctx);
    if (!p.groups.includes('supervision') && !p.groups.includes('engineering')) throw new ForbiddenError('仅监察室或工程处可以查看省平台上传', 'FORBIDDEN');
  };
  r.get('/provincial-uploads', async (ctx) => {
    canSeeUploads(ctx);
    ctx.body = { items: (await listUploads(db)).map(uploadJson) };
  });
  r.post('/provincial-uploads', json, async (ctx) => {
    const person = requireGroup(ctx, 'engineering', '仅工程处可以生成省平台数据包');
    const { month } = bodyFields(ctx, { month: { type: 'string', max: 7 } });
    const target = month ?? monthOf(monthOf(now()).from - 1).key;
    const row = await audited(ctx, 'provincial.package', 'provincial-upload', (trx) => createUpload(trx, target, { by: person.id, trigger: 'manual', now: now() }), (u) => ({ objectId: u.id, after: { month: u.month, sha256: u.sha256, operations: u.operations } }));
    ctx.status = 201;
    ctx.body = uploadJson(row);
  });
  r.get('/provincial-uploads/:id/package', async (ctx) => {
    canSeeUploads(ctx);
    const row = await uploadFile(db, ctx.params.id);
    ctx.set('Content-Disposition', `attachment; filename="provincial-${row.month}.json"`);
    ctx.set('X-Manifest-SHA256', row.sha256);
    ctx.set('X-Manifest-Verified', String(verifyUploadFile(row.package).ok));
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = row.package;
  });
  r.post('/provincial-uploads/:id/uploaded', json, async (ctx) => {
    const person = requireGroup(ctx, 'engineering', '仅工程处可以登记上传');
    const { receipt } = bodyFields(ctx, { receipt: { type: 'string', required: true, nonEmpty: true, max: 200 } });
    const row = await audited(ctx, 'provincial.uploaded', 'provincial-upload', (trx) => recordUpload(trx, ctx.params.id, person.id, receipt, now()), (u) => ({ objectId: u.id, after: { uploadedAt: u.uploadedAt, receipt: u.receipt } }));
    ctx.body = uploadJson(row);
  });

  // ---- district exchange (Art. 6) ----
  r.get('/district-exchange/imports', async (ctx) => {
    requireSupervision(ctx);
    ctx.body = { items: (await listImports(db)).map((i) => ({ ...i, importedAt: iso(i.importedAt), exportedAt: iso(i.exportedAt) })) };
  });
  r.get('/district-exchange/operations', async (ctx) => {
    requireSupervision(ctx);
    const q = new QueryReader(ctx.query);
    const district = q.string('district', 60);
    q.done();
    ctx.body = { items: (await districtOperations(db, district)).map((o) => ({ ...o, startedAt: iso(o.startedAt), endedAt: iso(o.endedAt), updatedAt: iso(o.updatedAt) })) };
  });
  r.post('/district-exchange/imports', exchangeJson, async (ctx) => {
    const person = requireSupervision(ctx);
    const { file } = bodyFields(ctx, { file: { type: 'string', required: true, nonEmpty: true } });
    // The audit row commits with the import or not at all.
    const res = await importDistrictFile(db, file, person.id, now(), (trx, r) =>
      appendAudit(trx, { actor: person.id, action: 'district.import', objectType: 'district-import', objectId: r.import.id, ...clientOf(ctx), after: { ...r.import, alreadyImported: r.alreadyImported } }, now()).then(() => undefined),
    );
    ctx.status = res.alreadyImported ? 200 : 201;
    ctx.body = { ...res.import, importedAt: iso(res.import.importedAt), exportedAt: iso(res.import.exportedAt), alreadyImported: res.alreadyImported };
  });
  r.get('/district-exchange/keys', async (ctx) => {
    requireSupervision(ctx);
    ctx.body = { items: (await listDistrictKeys(db)).map((k) => ({ ...k, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) })) };
  });
  r.post('/district-exchange/keys', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const { districtId, keyId, publicKey } = bodyFields(ctx, {
      districtId: { type: 'string', required: true, nonEmpty: true, max: 60 },
      keyId: { type: 'string', max: 100 },
      publicKey: { type: 'string', max: 4000 },
    });
    if (publicKey) {
      if (!keyId) throw new BadRequestError('登记公钥须同时提供 keyId');
      await audited(ctx, 'district.key.register', 'district-key', (trx) => registerDistrictKey(trx, districtId, keyId, publicKey, person.id, now()), () => ({ objectId: keyId, after: { districtId } }));
      ctx.status = 201;
      ctx.body = { keyId, districtId };
      return;
    }
    // No public key given: make a key pair here and hand the private key out once.
    const made = await audited(ctx, 'district.key.create', 'district-key', (trx) => createDistrictKey(trx, districtId, person.id, now()), (k) => ({ objectId: k.keyId, after: { districtId } }));
    ctx.status = 201;
    ctx.body = { keyId: made.keyId, districtId, privateKeyPem: made.privateKeyPem };
  });
  r.post('/district-exchange/exports', json, async (ctx) => {
    const person = me(ctx);
    const { from, to, districtId, keyId, privateKeyPem } = bodyFields(ctx, {
      from: { type: 'string', required: true, max: 10 },
      to: { type: 'string', required: true, max: 10 },
      districtId: { type: 'string', required: true, max: 60 },
      keyId: { type: 'string', required: true, max: 100 },
      privateKeyPem: { type: 'string', required: true, max: 4000 },
    });
    if (!person.groups.includes('district-reporters') && !person.groups.includes('supervision')) throw new ForbiddenError('仅辖市（区）报送员可以导出交换文件', 'FORBIDDEN');
    if (person.groups.includes('district-reporters') && !person.groups.includes('supervision') && person.unitId !== districtId) {
      throw new ForbiddenError('只能导出本单位的交换文件', 'FORBIDDEN');
    }
    const text = await exportDistrictFile(db, districtId, datePeriod(from, to), { keyId, privateKeyPem }, now());
    await db.transaction((trx) => appendAudit(trx, { actor: person.id, action: 'district.export', objectType: 'district-export', objectId: districtId, ...clientOf(ctx), after: { from, to } }, now()));
    ctx.set('Content-Disposition', `attachment; filename="${districtId}-${from}-${to}.json"`);
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = text;
  });

  return r;

  function periodFrom(ctx: Context) {
    const q = new QueryReader(ctx.query);
    const from = q.string('from', 10);
    const to = q.string('to', 10);
    q.done();
    if (!from && !to) {
      const m = monthOf(now());
      return { key: m.key, from: m.from, to: m.to };
    }
    if (!from || !to) throw new BadRequestError('请同时提供 from 和 to（如 2026-11-01）', undefined, 'BAD_PERIOD');
    return datePeriod(from, to);
  }
}

function notificationJson(n: import('../store/notifications.ts').NotificationRow) {
  return { id: n.id, kind: n.kind, level: n.level, title: n.title, body: n.body, taskId: n.taskId, instanceId: n.instanceId, createdAt: iso(n.createdAt), readAt: iso(n.readAt) };
}

function uploadJson(u: import('../store/exchange.ts').UploadRow) {
  return {
    id: u.id,
    month: u.month,
    schema: u.schema,
    sha256: u.sha256,
    operations: u.operations,
    trigger: u.trigger,
    createdBy: u.createdBy,
    createdAt: iso(u.createdAt),
    uploadedAt: iso(u.uploadedAt),
    uploadedBy: u.uploadedBy,
    receipt: u.receipt,
  };
}
