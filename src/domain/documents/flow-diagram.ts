import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import { NotFoundError } from '../../errors.ts';
import { publicBpmnXml } from '../../lib/bpmn-public.ts';
import { readDi } from '../../lib/pdf/bpmn-di.ts';
import { levelLabel, type RiskPoint } from '../../lib/risk-points.ts';
import type { PdfWriter } from '../../lib/pdf/writer.ts';
import { getItem, listItems } from '../../store/catalog.ts';
import { definitionById } from '../../store/definitions.ts';
import { listRules } from '../../store/monitoring-rules.ts';
import { getUnit, listUnits } from '../../store/org.ts';
import { RULE_KINDS } from '../supervision/rule-kinds.ts';
import { beijingTime, openPdf } from './pdf.ts';

/**
 * The published 权力运行流程图 of a catalog item (issue 18, item 1): the item's facts, the flow of
 * its process version in force with every 廉政风险点 marked by level, and the risk table (环节,
 * 等级, 风险描述, 防控措施, 监控规则) — as JSON for the page and as an A4 landscape PDF.
 * It is public (no sign-in for the items in force): the XML carries only steps, layout and risk
 * points (src/lib/bpmn-public.ts), and a risk point's monitoring rules are named, never their
 * parameters; rules that are not in the library are left out.
 */

export interface FlowDiagram {
  item: { code: string; name: string; category: string; unitId: string; unitName: string | null; legalBasis: string; statutoryDays: number; promisedDays: number; status: string; version: number };
  process: { key: string; name: string | null; version: number; deployedAt: number };
  riskPoints: RiskPoint[];
  counts: { high: number; medium: number; low: number };
  xml: string;
}

const ORDER = { high: 0, medium: 1, low: 2 } as const;

/** The Chinese name of each monitoring rule a risk point may name: the library's rules by id, rule kinds by key. */
async function ruleNames(db: Knex): Promise<Map<string, string>> {
  const names = new Map(Object.entries(RULE_KINDS).map(([k, v]) => [k, v.name]));
  for (const r of await listRules(db)) names.set(r.id, r.name);
  return names;
}

/**
 * Usage: `await flowDiagramOf(db, engine, 'CF-0001', { publishedOnly: !signedIn })`.
 * `publishedOnly` (anonymous callers): a retired item is as unknown as a missing one.
 * 404 POWER_ITEM_NOT_FOUND / PROCESS_NOT_FOUND.
 */
export async function flowDiagramOf(db: Knex, engine: EngineService, code: string, opts: { publishedOnly?: boolean } = {}): Promise<FlowDiagram> {
  const item = await getItem(db, code);
  if (!item || (opts.publishedOnly && item.status !== 'active')) throw new NotFoundError(`权力事项 ${code} 不存在`, 'POWER_ITEM_NOT_FOUND');
  const latest = await engine.definitions.latest(item.processKey).catch(() => null);
  if (!latest) throw new NotFoundError(`权力事项 ${code} 的办理流程 ${item.processKey} 尚未部署`, 'PROCESS_NOT_FOUND');
  const unit = await getUnit(db, item.unitId);
  const names = latest.def.model.elements;
  const rules = await ruleNames(db);
  const riskPoints = [...latest.def.model.riskPoints]
    .map((p) => ({ ...p, elementName: p.elementName ?? names.get(p.elementId)?.name ?? p.elementId, rules: p.rules.flatMap((r) => (rules.has(r) ? [rules.get(r)!] : [])) }))
    .sort((a, b) => ORDER[a.level] - ORDER[b.level]);
  const counts = { high: 0, medium: 0, low: 0 };
  for (const p of riskPoints) counts[p.level]++;
  return {
    item: { code: item.code, name: item.name, category: item.category, unitId: item.unitId, unitName: unit?.name ?? null, legalBasis: item.legalBasis, statutoryDays: item.statutoryDays, promisedDays: item.promisedDays, status: item.status, version: item.version },
    process: { key: latest.row.key, name: latest.row.name, version: latest.row.version, deployedAt: latest.row.deployedAt },
    riskPoints,
    counts,
    xml: publicBpmnXml((await definitionById(db, latest.row.id))?.bpmnXml ?? ''),
  };
}

/** One line of the public list of 权力运行流程图. */
export interface PublishedFlow {
  code: string;
  name: string;
  category: string;
  unitName: string | null;
}

/** The catalog items in force, for the public list (code order). Usage: `await publishedFlows(db)`. */
export async function publishedFlows(db: Knex): Promise<PublishedFlow[]> {
  const units = new Map((await listUnits(db)).map((u) => [u.id, u.name]));
  return (await listItems(db, { status: 'active' })).map((i) => ({ code: i.code, name: i.name, category: i.category, unitName: units.get(i.unitId) ?? null })).sort((a, b) => a.code.localeCompare(b.code));
}

const RISK_COLOUR = { high: '#cf222e', medium: '#bf8700', low: '#0969da' } as const;

const pdfCache = new Map<string, Buffer>();

/**
 * The PDF of a flow diagram, made once per content: anyone may ask for it without signing in, and
 * a PDF costs up to a second of CPU, so the same document is served from memory (a handful kept).
 * Usage: `const bytes = await flowDiagramPdf(await flowDiagramOf(db, engine, code), engine, now)`.
 */
export async function flowDiagramPdf(f: FlowDiagram, engine: EngineService, now: number): Promise<Buffer> {
  const key = createHash('sha256').update(JSON.stringify(f)).digest('hex');
  const hit = pdfCache.get(key);
  if (hit) return hit;
  const bytes = await renderFlowDiagramPdf(f, engine, now);
  if (pdfCache.size >= 32) pdfCache.delete(pdfCache.keys().next().value!);
  pdfCache.set(key, bytes);
  return bytes;
}

async function renderFlowDiagramPdf(f: FlowDiagram, engine: EngineService, now: number): Promise<Buffer> {
  const pdf = openPdf({ title: `${f.item.name}权力运行流程图`, subject: f.item.code, landscape: true });
  pdf.title(`${f.item.name}权力运行流程图`);
  pdf.fields([
    ['事项编码', `${f.item.code}（${f.item.category}）`],
    ['实施主体', f.item.unitName ?? f.item.unitId],
    ['法定依据', f.item.legalBasis],
    ['办理时限', `法定 ${f.item.statutoryDays} 个工作日，承诺 ${f.item.promisedDays} 个工作日`],
    ['办理流程', `${f.process.name ?? f.process.key} 第 ${f.process.version} 版（${beijingTime(f.process.deployedAt)} 部署）`],
    ['廉政风险点', `高 ${f.counts.high} 个，中 ${f.counts.medium} 个，低 ${f.counts.low} 个`],
  ]);
  const def = (await engine.definitions.latest(f.process.key)).def;
  drawDiagram(pdf, f, (id) => def.model.elements.get(id));
  pdf.heading('廉政风险点及防控措施');
  if (f.riskPoints.length)
    pdf.table(
      [
        { title: '序号', width: 0.5, align: 'center' },
        { title: '环节', width: 1.6 },
        { title: '风险等级', width: 0.8, align: 'center' },
        { title: '风险描述', width: 3.2 },
        { title: '防控措施', width: 3.2 },
        { title: '监控规则', width: 1.2 },
      ],
      f.riskPoints.map((p, i) => [String(i + 1), p.elementName ?? p.elementId, levelLabel(p.level), p.description, p.measures, p.rules.join('、') || '—']),
    );
  else pdf.paragraph('本流程未标注廉政风险点。', { muted: true });
  return pdf.finish(`${f.item.code} ${f.item.name}　流程第 ${f.process.version} 版　生成于 ${beijingTime(now)}`);
}

/** Redraws the process from its DI on a page of its own: shapes, flows, risk badges by level. */
function drawDiagram(pdf: PdfWriter, f: FlowDiagram, element: (id: string) => { type: string; name?: string } | undefined): void {
  const { shapes, edges } = readDi(f.xml);
  if (!shapes.length) {
    pdf.paragraph('该流程文件没有图形信息，无法绘制流程图。', { muted: true });
    return;
  }
  const doc = pdf.doc;
  doc.addPage();
  pdf.heading('流程图');
  const minX = Math.min(...shapes.map((s) => s.x), ...edges.flatMap((e) => e.points.map((p) => p.x)));
  const minY = Math.min(...shapes.map((s) => s.y), ...edges.flatMap((e) => e.points.map((p) => p.y))) - 16;
  const maxX = Math.max(...shapes.map((s) => s.x + s.width), ...edges.flatMap((e) => e.points.map((p) => p.x)));
  const maxY = Math.max(...shapes.map((s) => s.y + s.height), ...edges.flatMap((e) => e.points.map((p) => p.y))) + 20;
  const top = doc.y + 4;
  const availH = doc.page.height - top - 70;
  const scale = Math.min(pdf.width / (maxX - minX), availH / (maxY - minY), 1.2);
  const left = doc.page.margins.left;
  const X = (x: number) => left + (x - minX) * scale;
  const Y = (y: number) => top + (y - minY) * scale;
  doc.lineWidth(0.8).strokeColor('#57606a');
  for (const e of edges) {
    doc.moveTo(X(e.points[0].x), Y(e.points[0].y));
    for (const p of e.points.slice(1)) doc.lineTo(X(p.x), Y(p.y));
    doc.stroke();
    const [a, b] = e.points.slice(-2);
    const ang = Math.atan2(b.y - a.y, b.x - a.x);
    const tip = { x: X(b.x), y: Y(b.y) };
    doc.moveTo(tip.x, tip.y).lineTo(tip.x - 6 * Math.cos(ang - 0.4), tip.y - 6 * Math.sin(ang - 0.4)).lineTo(tip.x - 6 * Math.cos(ang + 0.4), tip.y - 6 * Math.sin(ang + 0.4)).fill('#57606a');
  }
  const risk = new Map(f.riskPoints.map((p, i) => [p.elementId, { ...p, no: i + 1 }]));
  for (const s of shapes) {
    const el = element(s.element);
    if (!el || el.type === 'bpmn:SequenceFlow') continue;
    const [x, y, w, h] = [X(s.x), Y(s.y), s.width * scale, s.height * scale];
    const r = risk.get(s.element);
    doc.lineWidth(r ? 1.6 : 0.9).strokeColor(r ? RISK_COLOUR[r.level] : '#1f2328');
    if (el.type.endsWith('Event')) doc.circle(x + w / 2, y + h / 2, w / 2).lineWidth(el.type === 'bpmn:EndEvent' ? 2 : 0.9).stroke();
    else if (el.type.endsWith('Gateway')) doc.polygon([x + w / 2, y], [x + w, y + h / 2], [x + w / 2, y + h], [x, y + h / 2]).stroke();
    else if (el.type === 'bpmn:Participant' || el.type === 'bpmn:Lane') doc.rect(x, y, w, h).stroke();
    else doc.roundedRect(x, y, w, h, 6 * scale).stroke();
    const label = el.name ?? '';
    const inside = !el.type.endsWith('Event') && !el.type.endsWith('Gateway');
    doc.font('cjk').fontSize(Math.max(6, Math.min(9, 9 * scale))).fillColor('#1f2328');
    if (inside) doc.text(label, x + 2, y + h / 2 - 6 * scale, { width: w - 4, align: 'center', height: h, lineBreak: true });
    else if (label) doc.text(label, x - 30, y + h + 2, { width: w + 60, align: 'center' });
    if (r) {
      const text = `廉·${levelLabel(r.level)} ${r.no}`;
      doc.font('cjk-bold').fontSize(7);
      const bw = doc.widthOfString(text) + 6;
      doc.roundedRect(x - 4, y - 10, bw, 11, 2).fill(RISK_COLOUR[r.level]);
      doc.fillColor('#ffffff').text(text, x - 1, y - 8.5, { lineBreak: false });
      doc.fillColor('#1f2328');
    }
  }
  doc.x = left;
  doc.y = Y(maxY) + 6;
  doc.font('cjk').fontSize(8).fillColor('#57606a').text('图例：红框“廉·高”为高风险点，黄框“廉·中”为中风险点，蓝框“廉·低”为低风险点；编号对应下表。', left, doc.y, { width: pdf.width });
  doc.fillColor('#1f2328');
}
