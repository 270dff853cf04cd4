/**
 * 部署审批: the deployment proposals a leader (or supervision) decides. The list shows what waits;
 * a proposal shows, per changed process, the current and the proposed diagram side by side with
 * bpmn-js-differ's semantic changes marked on both, and per changed form the old and new JSON with
 * changed lines marked; the approver approves or rejects with a comment.
 */
import { diff } from 'bpmn-js-differ';
import { api, ApiError } from '../api.ts';
import { empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';
import { inAnyGroup } from '../session.ts';
import { showDiagram, type DiagramHandle } from '../bpmn/viewer.ts';
import { pageHead } from './supervision-shared.ts';

export const title = '部署审批';

interface Item {
  file: string;
  kind: 'process' | 'form';
  key: string;
  version: number;
  unchanged: boolean;
}

interface Proposal {
  id: string;
  status: 'pending' | 'active' | 'rejected';
  name: string;
  proposedBy: string;
  proposedAt: string;
  approverGroup: string;
  items: Item[];
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  files?: Array<{ file: string; kind: 'process' | 'form'; key: string; version: number; content: string; previous: string | null }>;
}

const STATUS: Record<Proposal['status'], string> = { pending: '待审批', active: '已生效', rejected: '已驳回' };
const GROUP: Record<string, string> = { leaders: '分管局领导', supervision: '监察室' };

export async function render(ctx: PageContext): Promise<void> {
  if (ctx.params.id) return renderOne(ctx, ctx.params.id);
  const status = ctx.query.get('status') ?? 'pending';
  const list = h('div', {}, loading());
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '部署方案状态' },
    (['pending', 'active', 'rejected'] as const).map((s) =>
      h('button', { type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(s === status), onclick: () => navigate(`/deployments?status=${s}`) }, STATUS[s]),
    ),
  );
  mount(ctx.root, h('section', { class: 'page deployments-page' }, pageHead('部署审批', '流程图和表单的新版本须经不同组的第二人审批后生效'), tabs, list));
  const res = await api.get<{ items: Proposal[] }>('/api/deployments', { status });
  if (!ctx.alive()) return;
  mount(list, res.items.length
    ? h('ul', { class: 'card proposal-list' }, res.items.map((p) =>
        h('li', { class: 'proposal-row' },
          h('a', { href: `/deployments/${p.id}` }, p.name),
          h('span', { class: 'muted' }, ` ${userLabel(p.proposedBy)} 于 ${fmtDateTime(p.proposedAt)} 提交；审批：${GROUP[p.approverGroup] ?? p.approverGroup}；`),
          h('span', {}, changed(p).map((i) => `${KIND_WORDS[i.kind] ?? i.kind} ${i.key} 第 ${i.version} 版`).join('，')),
        )))
    : status === 'pending' ? empty('没有待审批的部署方案。', '流程管理员提交的新版本会出现在这里，由您审批后生效。') : empty('没有记录。', '已审批、已驳回的部署方案会列在这里。'));
}

function changed(p: Proposal): Item[] {
  return p.items.filter((i) => !i.unchanged);
}

async function renderOne(ctx: PageContext, id: string): Promise<void> {
  mount(ctx.root, loading());
  const p = await api.get<Proposal>(`/api/deployments/${encodeURIComponent(id)}`);
  if (!ctx.alive()) return;
  const diagrams: DiagramHandle[] = [];
  ctx.onLeave(() => diagrams.forEach((d) => d.destroy()));
  const decided = p.status === 'pending'
    ? null
    : h('p', { class: `proposal-decided status-${p.status}` }, `${STATUS[p.status]}：${userLabel(p.decidedBy)} 于 ${fmtDateTime(p.decidedAt)}${p.comment ? `，意见：${p.comment}` : ''}`);
  const sections = (p.files ?? []).map((f) => (f.kind === 'process' ? processDiff(f, diagrams) : formDiff(f)));
  mount(ctx.root, h('section', { class: 'page proposal-page' },
    pageHead(`部署方案：${p.name}`, `${STATUS[p.status]} · ${userLabel(p.proposedBy)} 于 ${fmtDateTime(p.proposedAt)} 提交 · 审批：${GROUP[p.approverGroup] ?? p.approverGroup}`),
    decided,
    ...sections.map((s) => s.el),
    p.status === 'pending' && inAnyGroup([p.approverGroup]) ? decisionForm(p) : null,
  ));
  for (const s of sections) await s.ready?.();
}

/** Current and proposed diagram side by side, the semantic changes marked on both and listed. */
function processDiff(f: NonNullable<Proposal['files']>[number], diagrams: DiagramHandle[]) {
  const oldEl = h('div', { class: 'diff-canvas' });
  const newEl = h('div', { class: 'diff-canvas' });
  const changes = h('ul', { class: 'diff-changes' });
  const el = h('article', { class: 'card diff-card', 'data-file': f.file },
    h('h3', {}, `流程 ${f.key}：${f.previous ? `当前版本 → 第 ${f.version} 版` : '新流程'}`),
    h('div', { class: 'diff-sides' },
      h('div', { class: 'diff-side' }, h('h4', {}, '当前版本'), f.previous ? oldEl : empty('尚无此流程')),
      h('div', { class: 'diff-side' }, h('h4', {}, `拟部署（第 ${f.version} 版）`), newEl)),
    h('h4', {}, '变更'), changes);
  const ready = async () => {
    const after = await showDiagram(newEl, f.content, {}, { minHeight: 320 });
    diagrams.push(after);
    if (!f.previous) {
      mount(changes, h('li', {}, '新增整个流程'));
      return;
    }
    const before = await showDiagram(oldEl, f.previous, {}, { minHeight: 320 });
    diagrams.push(before);
    const d = diff((before.viewer as any).getDefinitions(), (after.viewer as any).getDefinitions());
    const mark = (viewer: any, ids: string[], cls: string) => {
      const registry = viewer.get('elementRegistry');
      const canvas = viewer.get('canvas');
      for (const i of ids) if (registry.get(i)) canvas.addMarker(i, cls);
    };
    mark(after.viewer, Object.keys(d._added), 'diff-added');
    mark(before.viewer, Object.keys(d._removed), 'diff-removed');
    mark(before.viewer, Object.keys(d._changed), 'diff-changed');
    mark(after.viewer, Object.keys(d._changed), 'diff-changed');
    const label = (x: any) => `${x?.name ?? x?.model?.name ?? ''}（${x?.id ?? x?.model?.id ?? ''}）`;
    const lines = [
      ...Object.values(d._added).map((x: any) => h('li', { class: 'diff-add' }, `新增 ${label(x)}`)),
      ...Object.values(d._removed).map((x: any) => h('li', { class: 'diff-del' }, `删除 ${label(x)}`)),
      ...Object.values(d._changed).map((x: any) =>
        h('li', { class: 'diff-chg' }, `修改 ${label(x)}：${Object.entries(x.attrs ?? {}).map(([k, v]: [string, any]) => `${k} “${fmt(v.oldValue)}” → “${fmt(v.newValue)}”`).join('；')}`)),
    ];
    mount(changes, lines.length ? lines : h('li', {}, '仅布局变化'));
  };
  return { el, ready };
}

function fmt(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v).slice(0, 200) : String(v ?? '');
}

/** Old and new form JSON side by side; lines only on one side are marked. */
const KIND_WORDS: Record<string, string> = { process: '流程', form: '表单', decision: '决策表' };

/** A form's JSON or a decision table's DMN file, line by line against the current version. */
function formDiff(f: NonNullable<Proposal['files']>[number]) {
  let next = f.content;
  try {
    next = JSON.stringify(JSON.parse(f.content), null, 2);
  } catch {
    /* shown as sent */
  }
  const oldLines = (f.previous ?? '').split('\n');
  const newLines = next.split('\n');
  const inOld = new Set(oldLines);
  const inNew = new Set(newLines);
  const pre = (lines: string[], other: Set<string>, cls: string) =>
    h('pre', { class: 'diff-json' }, lines.map((l) => h('div', { class: other.has(l) ? '' : cls }, l || ' ')));
  const el = h('article', { class: 'card diff-card', 'data-file': f.file },
    h('h3', {}, `${KIND_WORDS[f.kind] ?? f.kind} ${f.key}：${f.previous ? `当前版本 → 第 ${f.version} 版` : `新${KIND_WORDS[f.kind] ?? ''}`}`),
    h('div', { class: 'diff-sides' },
      h('div', { class: 'diff-side' }, h('h4', {}, '当前版本'), f.previous ? pre(oldLines, inNew, 'diff-del') : empty(`尚无此${KIND_WORDS[f.kind] ?? ''}`)),
      h('div', { class: 'diff-side' }, h('h4', {}, `拟部署（第 ${f.version} 版）`), pre(newLines, inOld, 'diff-add'))));
  return { el, ready: undefined as undefined | (() => Promise<void>) };
}

function decisionForm(p: Proposal): HTMLElement {
  const comment = h('textarea', { id: 'proposal-comment', rows: 3, maxlength: 1000, placeholder: '驳回时必填' });
  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && !comment.value.trim()) {
      toast('驳回部署方案须填写理由', 'error');
      comment.focus();
      return;
    }
    try {
      const res = await api.post<Proposal>(`/api/deployments/${p.id}/${decision}`, { comment: comment.value.trim() || undefined });
      toast(res.status === 'active' ? '已同意，新版本已生效' : res.status === 'rejected' ? '已驳回' : '已提交');
      navigate(`/deployments/${p.id}`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  };
  return h('div', { class: 'card proposal-decision' },
    h('label', { for: 'proposal-comment' }, '审批意见'), comment,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn primary', onclick: () => void decide('approve') }, '同意'),
      h('button', { type: 'button', class: 'btn danger', onclick: () => void decide('reject') }, '驳回')));
}
