/**
 * 投诉举报 (issue 18, item 6): the public page, no sign-in. A citizen files a complaint
 * (POST /api/complaints) and gets a 受理编号 (receipt); with that code anyone can look up its
 * status and outcome (GET /api/complaints/:receipt) — never the content or the reporter.
 * Also reached with `?receipt=…` to look one up directly.
 */
import { api, ApiError } from '../api.ts';
import { field, h, mount } from '../dom.ts';
import type { PageContext } from '../router.ts';

export const title = '投诉举报';

interface ComplaintStatus {
  receipt: string;
  statusLabel: string;
  submittedAt: string;
  concludedAt: string | null;
  findingLabel: string | null;
  outcome: string | null;
}

const beijing = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

function problemText(err: unknown): string {
  if (!(err instanceof ApiError)) return '提交失败，请稍后重试';
  const details = Array.isArray(err.details) ? (err.details as Array<{ message?: string }>).map((d) => d.message).filter(Boolean) : [];
  return details.length ? `${err.message}：${details.join('；')}` : err.message;
}

export function render(ctx: PageContext): void {
  const subject = h('input', { name: 'subject', required: true, maxlength: 100, placeholder: '如：办理窗口推诿、索要好处' }) as HTMLInputElement;
  const unit = h('select', { name: 'unitId' }, h('option', { value: '' }, '（不确定 / 不选择）')) as HTMLSelectElement;
  const content = h('textarea', { name: 'content', required: true, rows: 6, maxlength: 5000, placeholder: '请写明时间、地点、涉及人员和经过（至少 10 个字）' }) as HTMLTextAreaElement;
  const contact = h('input', { name: 'contact', maxlength: 100, autocomplete: 'tel', placeholder: '可不填；匿名也可凭受理编号查询结果' }) as HTMLInputElement;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const result = h('div', { class: 'complaint-receipt', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '提交') as HTMLButtonElement;
  void api
    .get<{ items: Array<{ id: string; name: string }> }>('/api/complaints/units', undefined, { quiet: true })
    .then((r) => r.items.forEach((u) => unit.append(h('option', { value: u.id }, u.name))))
    .catch(() => undefined);

  const form = h(
    'form',
    {
      class: 'card complaint-form',
      novalidate: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        submit.disabled = true;
        try {
          const body = { subject: subject.value.trim(), content: content.value.trim(), ...(unit.value && { unitId: unit.value }), ...(contact.value.trim() && { contact: contact.value.trim() }) };
          const res = await api.post<{ receipt: string }>('/api/complaints', body, { quiet: true });
          form.hidden = true;
          receiptInput.value = res.receipt;
          mount(
            result,
            h(
              'div',
              { class: 'card notice', role: 'status' },
              h('h2', '已受理'),
              h('p', '您的投诉举报已提交，监察室将在规定时限内办理。请记下受理编号，凭编号查询办理结果：'),
              h('p', h('strong', { class: 'receipt-code', 'data-test': 'receipt' }, res.receipt)),
              h('p', { class: 'hint' }, '受理编号是查询结果的唯一凭证，平台不会显示您的身份。'),
            ),
          );
        } catch (err) {
          error.textContent = problemText(err);
          error.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', '提交投诉举报'),
    field('事由（必填）', subject),
    field('被投诉单位', unit),
    field('具体内容（必填）', content),
    field('联系方式', contact, '选填，仅监察室可见'),
    error,
    h('div', { class: 'actions' }, submit),
  );

  const receiptInput = h('input', { name: 'receipt', required: true, maxlength: 20, placeholder: 'TS 开头的 16 位受理编号', autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
  const lookupError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const statusHost = h('div', { 'aria-live': 'polite' });
  const lookup = async () => {
    lookupError.hidden = true;
    statusHost.replaceChildren();
    const code = receiptInput.value.trim().toUpperCase();
    if (!code) return;
    try {
      const s = await api.get<ComplaintStatus>(`/api/complaints/${encodeURIComponent(code)}`, undefined, { quiet: true });
      mount(
        statusHost,
        h(
          'dl',
          { class: 'meta complaint-status', 'data-test': 'complaint-status' },
          h('div', h('dt', '受理编号'), h('dd', s.receipt)),
          h('div', h('dt', '办理状态'), h('dd', { class: 'status-label' }, s.statusLabel)),
          h('div', h('dt', '提交时间'), h('dd', beijing(s.submittedAt))),
          h('div', h('dt', '办结时间'), h('dd', beijing(s.concludedAt))),
          h('div', h('dt', '核查结论'), h('dd', s.findingLabel ?? '尚未办结')),
          s.outcome ? h('div', h('dt', '处理结果'), h('dd', s.outcome)) : null,
        ),
      );
    } catch (err) {
      lookupError.textContent = err instanceof ApiError ? err.message : '查询失败，请稍后重试';
      lookupError.hidden = false;
    }
  };
  const lookupForm = h(
    'form',
    { class: 'card complaint-lookup', novalidate: true, onsubmit: (ev: Event) => (ev.preventDefault(), void lookup()) },
    h('h2', '查询办理结果'),
    field('受理编号', receiptInput),
    lookupError,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, '查询')),
    statusHost,
  );

  mount(
    ctx.root,
    h(
      'main',
      { class: 'page narrow public-page complaint-page' },
      h('h1', '投诉举报'),
      h('p', '对本局工作人员行使行政权力中的违规、推诿、吃拿卡要等问题，可在此投诉举报。无需登录，可匿名提交；提交后凭受理编号查询办理情况和结果。'),
      form,
      result,
      lookupForm,
      h('p', { class: 'hint' }, h('a', { href: '/login' }, '工作人员登录')),
    ),
  );
  const pre = ctx.query.get('receipt');
  if (pre) {
    receiptInput.value = pre;
    void lookup();
  }
}
