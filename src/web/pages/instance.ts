/**
 * One process instance: the diagram with completed steps, active steps (with counts), overdue
 * steps in red and incidents; open tasks; history; and for supervision the audit rows, the
 * variables, incident retry and cancelling. Serves /monitor/instances/:id, /requests/:id and /cc/:id (a case copied to me).
 */
import { api, ApiError, type AuditRow, type FormSchema, type HistoryEntry, type Instance, type Task } from '../api.ts';
import { legend, showDiagram } from '../bpmn/viewer.ts';
import { ask, empty, h, loading, mount, toast } from '../dom.ts';
import { auditLabel, fmtDateTime } from '../format.ts';
import { auditChanges, elementLabel, formKeys, historySentence, OBJECT_TYPE, plainIp, submittedValues, variableLines, vocabulary, worthTelling, type Vocabulary } from './instance-words.ts';
import { candidatesLabel, processNames, userLabel } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';
import { inGroup, user } from '../session.ts';
import { warningMarker } from './inbox.ts';
import { remindButton } from './remind.ts';
import { withdrawRequestButton, withdrawRequestsCard } from './case-routing.ts';
import { attachmentsCard } from '../forms/attachments.ts';
import { contentCard, opinionsCard, resultLine } from './case-content.ts';
import { definitionXml, historyList, instanceState, openTasks, personalNotice, retryIncident, revealQuery, statusTag } from './shared.ts';

export const title = '流程实例';

export async function render(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  const monitor = location.pathname.startsWith('/monitor');
  const supervision = inGroup('supervision');
  mount(ctx.root, loading());
  let inst: Instance;
  try {
    inst = await api.get<Instance>(`/api/process-instances/${encodeURIComponent(id)}`, revealQuery());
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
      mount(ctx.root, h('section', { class: 'page narrow' }, h('h1', '无法查看'), h('p', err.message)));
      return;
    }
    throw err;
  }
  const names = await processNames(inst.processKey).catch(() => new Map<string, string>());
  // The diagram and the forms of this version give the page its words (step names, field labels).
  const xml = await definitionXml(inst.processKey, inst.definitionId).catch((err) => (err instanceof ApiError && err.status === 401 ? Promise.reject(err) : ''));
  const schemas = await Promise.all(formKeys(xml).map((k) => api.get<{ schema: FormSchema }>(`/api/forms/${encodeURIComponent(k)}`).then((f) => f.schema, () => null)));
  const words = vocabulary(xml, schemas.filter((x): x is FormSchema => Boolean(x)), names.get(inst.processKey));
  if (!ctx.alive()) return;
  const tasks = openTasks(inst);
  const incidents = (inst.incidents ?? []).filter((i) => i.status === 'open');
  const diagramHost = h('div', { class: 'diagram diagram-large' }, loading('正在加载流程图…'));
  const auditHost = h('div', monitor && supervision ? loading('正在加载审计记录…') : null);
  const attachmentsHost = h('div', { class: 'attachments-host' });
  void attachmentsCard(inst.id).then((card) => ctx.alive() && mount(attachmentsHost, card));
  // What was submitted (read-only) and each step's own opinion, for the applicant and everyone who may see the case.
  const content = contentCard(inst.content, '申请内容');
  ctx.onLeave(() => void content.ready.then((f) => f?.destroy()));
  const procName = names.get(inst.processKey) ?? inst.processKey;
  // A case copied to me (/cc/:id) leads back to 抄送我的.
  const copied = location.pathname.startsWith('/cc/');
  const back = monitor ? h('a', { href: '/monitor' }, '监察') : copied ? h('a', { href: '/cc' }, '抄送我的') : h('a', { href: '/requests' }, '我的申请');
  // 催办 for the supervision office and for the applicant (the server also lets unit heads and contacts).
  const mayRemind = inst.status === 'running' && ((monitor && supervision) || inst.startedBy === user().user.id);

  const cancelBtn =
    supervision && inst.status === 'running'
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-danger',
            onclick: async () => {
              const reason = await ask({ title: '撤销流程实例', message: `撤销后“${procName}”${inst.businessKey ? `（${inst.businessKey}）` : ''}的所有待办将取消，操作记入审计日志。`, input: '撤销原因', required: true, ok: '确认撤销', danger: true });
              if (reason === null) return;
              try {
                const res = await api.post<{ status?: string }>(`/api/process-instances/${encodeURIComponent(inst.id)}/cancel`, { reason });
                // Accountability and penalty cases: a leader approves the cancel first (202 pending).
                toast(res.status === 'pending' ? '撤销申请已提交，待局领导审批' : '流程实例已撤销');
                navigate(location.pathname, { replace: true });
              } catch (err) {
                if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
              }
            },
          },
          '撤销实例',
        )
      : null;

  // 申请撤回: the applicant's running case once someone has acted on it (before that, 撤回 in 我的申请).
  const mine = inst.startedBy === user().user.id;
  const touched = Boolean(inst.opinions?.length) || tasks.some((t) => t.assignee && t.assignee !== user().user.id);
  const reload = () => navigate(location.pathname, { replace: true });
  const withdrawBtn = mine && inst.status === 'running' && touched ? withdrawRequestButton(inst.id, reload) : null;
  const withdrawHost = h('div', { class: 'withdraw-host' });
  void withdrawRequestsCard(inst.id, false, reload).then((card) => card && ctx.alive() && mount(withdrawHost, card), () => undefined);

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page instance-page' },
      h('nav', { class: 'crumbs', 'aria-label': '位置' }, back, h('span', { 'aria-hidden': 'true' }, ' / '), h('span', inst.caseNumber ?? inst.businessKey ?? procName)),
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          h('h1', inst.subject || procName),
          h('p', { class: 'page-sub' }, inst.caseNumber ? h('span', { class: 'case-no' }, inst.caseNumber) : null, inst.caseNumber ? ' · ' : '', inst.subject ? `${procName} · ` : '', inst.businessKey ? `业务编号 ${inst.businessKey} · ` : '', `实例 ${inst.id}`),
        ), h('div', { class: 'head-actions' }, statusTag(inst.status), h('a', { href: `/requests/${encodeURIComponent(inst.id)}/sheet`, class: 'btn btn-ghost' }, '审批单'), withdrawBtn, cancelBtn)),
      personalNotice(inst.personalData),
      withdrawHost,
      h(
        'dl',
        { class: 'meta' },
        h('div', h('dt', '发起人'), h('dd', userLabel(inst.startedBy, inst.startedByName))),
        h('div', h('dt', '发起时间'), h('dd', fmtDateTime(inst.startedAt))),
        h('div', h('dt', '流程版本'), h('dd', `第 ${inst.definitionId.split(':').pop()} 版`)),
        inst.endedAt ? h('div', h('dt', '结束时间'), h('dd', fmtDateTime(inst.endedAt))) : null,
        inst.endReason ? h('div', h('dt', '结束原因'), h('dd', inst.endReason)) : null,
        inst.status !== 'running' && inst.opinions?.length ? h('div', h('dt', '办理结果'), h('dd', resultLine(inst))) : null,
        ...callLinks(inst),
      ),
      h('div', { class: 'card' }, h('h2', '流程图'), diagramHost, legend()),
      h(
        'div',
        { class: 'grid-2' },
        h(
          'div',
          { class: 'card' },
          h('h2', `当前待办（${tasks.length}）`),
          tasks.length
            ? h(
                'table',
                { class: 'table compact' },
                h('thead', h('tr', ['环节', '办理人', '到达', '期限', ...(mayRemind ? [''] : [])].map((t) => h('th', { scope: 'col' }, t)))),
                h(
                  'tbody',
                  tasks.map((t: Task) =>
                    h(
                      'tr',
                      { class: `level-${t.warning}`, 'data-element': t.elementId },
                      h('td', elementLabel(t.elementId, words, t.name)),
                      h('td', t.assignee ? userLabel(t.assignee) : `待认领（${candidatesLabel(t) || '—'}）`),
                      h('td', fmtDateTime(t.createdAt)),
                      h('td', warningMarker(t)),
                      mayRemind ? h('td', { class: 'cell-actions' }, remindButton(t)) : null,
                    ),
                  ),
                ),
              )
            : empty(inst.status === 'running' ? '当前没有人工待办（自动处理或等待中）。' : '流程已结束。'),
        ),
        h(
          'div',
          { class: 'card' },
          h('h2', `异常（${incidents.length}）`),
          incidents.length
            ? h(
                'ul',
                { class: 'incident-list' },
                incidents.map((i) =>
                  h(
                    'li',
                    h('div', h('strong', `“${elementLabel(i.elementId, words)}”自动处理出错`), ' ', h('span', { class: 'cell-sub' }, fmtDateTime(i.createdAt))),
                    h('p', { class: 'cell-sub' }, '原因排除后可重试；重试成功后流程继续。'),
                    h('details', { class: 'tech-details' }, h('summary', '技术详情（供信息中心排查）'), h('code', i.message)),
                    supervision
                      ? h('button', { type: 'button', class: 'btn btn-small', onclick: async (ev: Event) => {
                          const b = ev.target as HTMLButtonElement;
                          b.disabled = true;
                          try {
                            await retryIncident(i);
                            toast('已重试');
                            navigate(location.pathname, { replace: true });
                          } catch (err) {
                            b.disabled = false;
                            if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
                          }
                        } }, '重试')
                      : null,
                  ),
                ),
              )
            : empty('没有未处理的异常。', '自动处理的环节出错时会在这里列出。'),
        ),
      ),
      content.card,
      opinionsCard(inst.opinions),
      attachmentsHost,
      h('div', { class: 'card' }, h('h2', monitor ? '完整历史' : '办理记录'), monitor ? historySentences(inst.history ?? [], words) : historyList(inst.history ?? [])),
      monitor && supervision && inst.variables
        ? h('details', { class: 'card' }, h('summary', h('h2', { class: 'inline' }, '填报内容（流程变量）')), variablesTable(inst.variables, words))
        : null,
      monitor && supervision ? h('div', { class: 'card' }, h('h2', '审计记录'), auditHost) : null,
    ),
  );

  try {
    if (!xml) throw new Error('no diagram');
    const diagram = await showDiagram(diagramHost, xml, instanceState(inst));
    ctx.onLeave(() => diagram.destroy());
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) mount(diagramHost, empty('流程图无法显示。'));
  }
  if (monitor && supervision) {
    try {
      const { items } = await api.page<AuditRow>('/api/audit', { instance: inst.id, limit: 200 });
      if (!ctx.alive()) return;
      mount(auditHost, auditTable(items, words));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) mount(auditHost, empty(`审计记录无法加载：${(err as Error).message}`));
    }
  }
}

/** The supervisor's full history, one sentence per event, with what was filled in at each step. */
function historySentences(rows: HistoryEntry[], words: Vocabulary): HTMLElement {
  if (!rows.length) return empty('暂无历史。');
  return h(
    'ol',
    { class: 'timeline history-sentences' },
    rows.filter(worthTelling).map((e) => {
      const values = submittedValues(e);
      return h(
        'li',
        { class: `tl-item tl-${e.type.replace(/\./g, '-')}` },
        h('div', { class: 'tl-meta' }, h('time', fmtDateTime(e.at))),
        h('div', { class: 'tl-head' }, historySentence(e, words, userLabel)),
        values ? valuesList(values, words) : null,
      );
    }),
  );
}

/** Label–value pairs; a variable no form labels keeps its key, shown as code. */
function valuesList(vars: Record<string, unknown>, words: Vocabulary): HTMLElement {
  return h(
    'dl',
    { class: 'values-list' },
    variableLines(vars, words).map((l) => h('div', h('dt', l.label ?? h('code', l.key)), h('dd', l.text))),
  );
}

function variablesTable(vars: Record<string, unknown>, words: Vocabulary): HTMLElement {
  if (!Object.keys(vars).length) return empty('没有填报内容。');
  return valuesList(vars, words);
}

export function auditTable(rows: AuditRow[], words: Vocabulary): HTMLElement {
  if (!rows.length) return empty('没有审计记录。');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table compact audit-table' },
      h('thead', h('tr', ['序号', '时间', '操作人', '操作', '对象', '地址', '变更'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        rows.map((r) => {
          const changes = auditChanges(r.before, r.after, words, (id) => userLabel(id));
          return h(
            'tr',
            h('td', String(r.seq)),
            h('td', { class: 'nowrap' }, fmtDateTime(r.at)),
            h('td', userLabel(r.actor, r.actorName)),
            h('td', r.action.startsWith('effect.') ? '自动处理' : auditLabel(r.action)),
            h('td', r.objectType ? OBJECT_TYPE[r.objectType] ?? '其他' : ''),
            h('td', { class: 'nowrap' }, plainIp(r.ip)),
            h('td', { class: 'cell-data' }, changes.length ? h('ul', { class: 'changes' }, changes.map((c) => h('li', h('strong', c.field), '：', c.from === '—' ? c.to : `${c.from} → ${c.to}`))) : '—'),
          );
        }),
      ),
    ),
  );
}

/**
 * The call-activity links of an instance, both ways: the parent that called it, and the children
 * its call activities started (from the history's `call.requested`). Links stay on the same page kind.
 */
function callLinks(inst: Instance): HTMLElement[] {
  const base = location.pathname.replace(/[^/]+$/, '');
  const link = (id: string) => h('a', { href: `${base}${encodeURIComponent(id)}` }, id.slice(0, 8));
  const out: HTMLElement[] = [];
  if (inst.parentInstanceId) out.push(h('div', h('dt', '上级流程'), h('dd', link(inst.parentInstanceId))));
  const children = (inst.history ?? []).filter((e) => e.type === 'call.requested' && typeof e.data?.childId === 'string').map((e) => String(e.data!.childId));
  if (children.length) out.push(h('div', h('dt', '子流程'), h('dd', ...children.flatMap((id, i) => (i ? [' ', link(id)] : [link(id)])))));
  return out;
}
