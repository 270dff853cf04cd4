/**
 * 省平台上传 (Art. 5): the monthly packages of power operations for the provincial platform —
 * made by the monthly job or by the engineering office's button, each with its SHA-256 manifest —
 * downloadable, and the upload recorded by the engineering office with the provincial receipt.
 * Supervision reads it inside 监察 and sees whether this month's upload is done.
 */
import { api, ApiError, type ProvincialUpload } from '../api.ts';
import { ask, empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDate, fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import { beijingToday, monthRange } from '../period.ts';
import type { PageContext } from '../router.ts';
import { inGroup } from '../session.ts';
import { monitorTabs, pageHead, saveBlob, shortHash } from './supervision-shared.ts';

export const title = '省平台上传';

export async function render(ctx: PageContext): Promise<void> {
  const engineering = inGroup('engineering');
  const today = beijingToday();
  const lastMonth = monthRange(today, -1).from.slice(0, 7);
  const status = h('div');
  const listHost = h('div', loading());
  const month = h('input', { type: 'month', id: 'upload-month', value: lastMonth, max: today.slice(0, 7), required: true });
  const makeForm = engineering
    ? h(
        'form',
        { class: 'filters make-package', onsubmit: (e: Event) => { e.preventDefault(); void make(); } },
        h('div', { class: 'field' }, h('label', { for: 'upload-month' }, '数据月份'), month),
        h('button', { type: 'submit', class: 'btn btn-primary' }, '生成数据包'),
        h('span', { class: 'cell-sub' }, '汇总该月全部权力事项办件（环节、时间、结果），生成带 SHA-256 清单的 JSON 数据包。'),
      )
    : null;

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page uploads-page' },
      monitorTabs(),
      pageHead('省平台上传', '《办法》第五条：工程处每月至少向省平台上传一次平台数据。每月 1 日自动生成上月数据包，工程处上传后登记回执。'),
      status,
      makeForm ? h('div', { class: 'card' }, h('h2', '生成数据包'), makeForm) : null,
      h('div', { class: 'card' }, h('h2', '数据包与上传记录'), listHost),
    ),
  );

  async function make(): Promise<void> {
    if (!/^\d{4}-\d{2}$/.test(month.value)) {
      toast('请选择数据月份', 'error');
      return;
    }
    const button = makeForm!.querySelector('button')!;
    button.disabled = true;
    try {
      const made = await api.post<ProvincialUpload>('/api/provincial-uploads', { month: month.value });
      toast(`已生成 ${made.month} 数据包（${made.operations} 件）`);
      await load(made.id);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  async function download(u: ProvincialUpload): Promise<void> {
    try {
      const file = await api.download(`/api/provincial-uploads/${encodeURIComponent(u.id)}/package`, undefined, `provincial-${u.month}.json`);
      saveBlob(file.blob, file.filename);
      if (file.headers.get('x-manifest-verified') === 'false') toast('警告：数据包内容与清单的 SHA-256 不一致', 'error');
      else toast('已下载，数据包与清单校验一致');
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  async function record(u: ProvincialUpload, button: HTMLButtonElement): Promise<void> {
    const receipt = await ask({ title: '登记已上传', message: `登记 ${u.month} 数据包（SHA-256 ${u.sha256.slice(0, 12)}…）已上传到省平台。`, input: '省平台回执编号', required: true, ok: '登记' });
    if (receipt === null) return;
    button.disabled = true;
    try {
      await api.post(`/api/provincial-uploads/${encodeURIComponent(u.id)}/uploaded`, { receipt });
      toast('已登记上传');
      await load(u.id);
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  async function load(fresh?: string): Promise<void> {
    const { items } = await api.get<{ items: ProvincialUpload[] }>('/api/provincial-uploads');
    if (!ctx.alive()) return;
    const thisMonth = today.slice(0, 7);
    const done = items.filter((u) => u.uploadedAt && fmtDate(u.uploadedAt).slice(0, 7) === thisMonth);
    mount(
      status,
      done.length
        ? h('p', { class: 'notice notice-ok' }, h('strong', '本月已上传'), `：${done.map((u) => `${fmtDate(u.uploadedAt)}（${u.month} 数据，回执 ${u.receipt}）`).join('；')}`)
        : h('p', { class: 'notice notice-warn' }, h('strong', '本月尚未登记上传'), '：每月应至少向省平台上传一次；月底前未上传的，次月 1 日提醒监察室。'),
    );
    mount(
      listHost,
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact uploads-table' },
              h('thead', h('tr', ['数据月份', '生成', '办件数', 'SHA-256', '上传', ''].map((t) => h('th', { scope: 'col', class: t === '办件数' ? 'num' : null }, t)))),
              h(
                'tbody',
                items.map((u) => {
                  const recordBtn = engineering && !u.uploadedAt ? (h('button', { type: 'button', class: 'btn btn-small btn-primary' }, '登记已上传') as HTMLButtonElement) : null;
                  recordBtn?.addEventListener('click', () => void record(u, recordBtn));
                  return h(
                    'tr',
                    { 'data-upload': u.id, 'data-month': u.month, class: u.id === fresh ? 'row-fresh' : null },
                    h('td', h('strong', u.month), h('div', { class: 'cell-sub' }, u.schema)),
                    h('td', fmtDateTime(u.createdAt), h('div', { class: 'cell-sub' }, u.trigger === 'job' ? '每月自动生成' : `${userLabel(u.createdBy)} 手动生成`)),
                    h('td', { class: 'num' }, String(u.operations)),
                    h('td', shortHash(u.sha256)),
                    h(
                      'td',
                      u.uploadedAt
                        ? [h('span', { class: 'level-tag level-tag-ok' }, '已上传'), h('div', { class: 'cell-sub' }, `${fmtDateTime(u.uploadedAt)} · ${userLabel(u.uploadedBy)} · 回执 ${u.receipt}`)]
                        : h('span', { class: 'level-tag level-tag-yellow' }, '未上传'),
                    ),
                    h('td', { class: 'cell-actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => void download(u) }, '下载'), recordBtn),
                  );
                }),
              ),
            ),
          )
        : engineering ? empty('还没有数据包。', '选择月份后点击“生成数据包”，下载后上传到省平台。') : empty('还没有数据包。', '工程处每月生成数据包后会列在这里。'),
    );
  }
  await load();
}
