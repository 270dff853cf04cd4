import Router from '@koa/router';
import type { Context } from 'koa';
import { attachmentDisposition } from '../domain/documents/pdf.ts';
import { DEDUCTION_KEYS, DEDUCTIONS, INDICATOR_KEYS, INDICATORS } from '../domain/supervision/scheme.ts';
import { decideSchemeChangeByPerson, proposeSchemeChange, schemeChanges, schemeInForce } from '../domain/supervision/scheme-changes.ts';
import { scoreSheetsCsv, scoreSheetsPdf } from '../domain/supervision/score-export.ts';
import { scoreSheets, type ScoreSheet, type ScoreSheets } from '../domain/supervision/score-sheets.ts';
import { monthOf } from '../domain/supervision/periods.ts';
import { ForbiddenError } from '../errors.ts';
import type { SchemeChangeRow } from '../store/appraisal.ts';
import { auditHook, clientOf, me, requireSupervision, type ApiDeps } from './context.ts';
import { appendAudit } from '../domain/audit.ts';
import { bodyFields, jsonBody, QueryReader } from './input.ts';
import { iso } from './present.ts';

/** Who reads the scheme and its changes: the office that sets it and those who approve or answer to it. */
const SCHEME_READERS = ['supervision', 'discipline-committee', 'leaders', 'unit-heads'];

function changeJson(c: SchemeChangeRow) {
  return { ...c, requestedAt: iso(c.requestedAt), decidedAt: iso(c.decidedAt) };
}

const isoSheet = (x: ScoreSheet) => {
  const ev = <T extends { at: number }>(e: T) => ({ ...e, at: iso(e.at) });
  return { ...x, indicators: x.indicators.map((i) => ({ ...i, evidence: i.evidence.map(ev) })), accountability: { ...x.accountability, evidence: x.accountability.evidence.map(ev) } };
};

/**
 * Scored appraisal (issue 18, item 7): the scoring scheme (GET /appraisal/scheme; changes proposed
 * by supervision and decided by a second person of the discipline committee), and the monthly or
 * yearly score sheets per person and unit with their evidence, as JSON, CSV and PDF.
 */
export function appraisalRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { db, engine } = deps;
  const now = () => engine.clock.now();

  r.get('/appraisal/scheme', async (ctx) => {
    const p = me(ctx);
    if (!SCHEME_READERS.some((g) => p.groups.includes(g))) throw new ForbiddenError('仅监察室、局纪委、局领导和处室负责人可以查看考核评分方案', 'FORBIDDEN');
    const [inForce, pending] = await Promise.all([schemeInForce(db), schemeChanges(db, 'pending')]);
    ctx.body = {
      version: inForce.version,
      weights: inForce.scheme.weights,
      deductions: inForce.scheme.deductions,
      approvedBy: inForce.approvedBy,
      since: iso(inForce.since),
      indicators: INDICATOR_KEYS.map((key) => ({ key, label: INDICATORS[key].label, how: INDICATORS[key].how })),
      deductionItems: DEDUCTION_KEYS.map((key) => ({ key, label: DEDUCTIONS[key] })),
      pending: pending[0] ? changeJson(pending[0]) : null,
    };
  });

  r.get('/appraisal/scheme/changes', async (ctx) => {
    const p = me(ctx);
    if (!SCHEME_READERS.some((g) => p.groups.includes(g))) throw new ForbiddenError('仅监察室、局纪委、局领导和处室负责人可以查看考核评分方案', 'FORBIDDEN');
    ctx.body = { items: (await schemeChanges(db)).map(changeJson) };
  });

  // Supervision proposes; nothing changes until a second person approves (202 pending).
  r.post('/appraisal/scheme/changes', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, nonEmpty: true, max: 1000 }, weights: { type: 'object' }, deductions: { type: 'object' } });
    const body = ctx.request.body as Record<string, unknown>;
    const input = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'reason'));
    const client = clientOf(ctx);
    const res = await proposeSchemeChange(deps, {
      input,
      reason: reason.trim(),
      by: person,
      audit: async (trx, e) => void (await appendAudit(trx, { actor: person.id, action: e.action, objectType: 'appraisal-scheme', objectId: e.objectId, instanceId: e.instanceId, before: e.before, after: e.after, ip: client.ip, requestId: client.requestId }, now())),
    });
    ctx.status = 202;
    ctx.body = res;
  });

  const decide = (decision: 'approve' | 'reject') => async (ctx: Context) => {
    const { comment } = bodyFields(ctx, { comment: { type: 'string', max: 1000, required: decision === 'reject', nonEmpty: decision === 'reject' } });
    const change = await decideSchemeChangeByPerson(deps, ctx.params.id, {
      by: me(ctx),
      decision,
      comment: comment?.trim() || null,
      hook: auditHook(ctx, deps, () => ({ action: `appraisal-scheme.${decision}`, objectType: 'appraisal-scheme', objectId: ctx.params.id, before: { status: 'pending' }, after: { decision, comment: comment ?? null } })),
    });
    ctx.body = changeJson(change);
  };
  r.post('/appraisal/scheme/changes/:id/approve', json, decide('approve'));
  r.post('/appraisal/scheme/changes/:id/reject', json, decide('reject'));

  /** The sheets the caller may see: supervision all; a unit head their own unit and its people. */
  const sheets = async (ctx: Context): Promise<ScoreSheets> => {
    const p = me(ctx);
    const supervision = p.groups.includes('supervision') || p.groups.includes('discipline-committee');
    if (!supervision && !p.groups.includes('unit-heads')) throw new ForbiddenError('仅监察室、局纪委或处室负责人可以查看考核评分', 'FORBIDDEN');
    const q = new QueryReader(ctx.query);
    const period = q.string('period', 7) ?? monthOf(now()).key;
    const unit = q.string('unit', 60);
    q.done();
    const s = await scoreSheets(db, engine, period, now());
    const only = supervision ? unit : p.unitId ?? '—';
    if (only) {
      s.units = s.units.filter((u) => u.id === only);
      s.people = s.people.filter((x) => x.unitId === only);
    }
    return s;
  };
  const fileName = (s: ScoreSheets, ext: string) => attachmentDisposition(`绩效考核评分表-${s.period.key}.${ext}`, `appraisal-${s.period.key}.${ext}`);

  r.get('/appraisal/sheets', async (ctx) => {
    const s = await sheets(ctx);
    ctx.body = { period: { ...s.period, from: iso(s.period.from), to: iso(s.period.to) }, scheme: s.scheme, units: s.units.map(isoSheet), people: s.people.map(isoSheet) };
  });
  r.get('/appraisal/sheets.csv', async (ctx) => {
    const s = await sheets(ctx);
    ctx.set('Content-Disposition', fileName(s, 'csv'));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = scoreSheetsCsv(s);
  });
  r.get('/appraisal/sheets.pdf', async (ctx) => {
    const s = await sheets(ctx);
    const bytes = await scoreSheetsPdf(s);
    ctx.set('Content-Disposition', fileName(s, 'pdf'));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = bytes;
  });
  return r;
}
