/**
 * 通知方式 (/me/notifications): which channels my notifications come through besides 站内 (always
 * on) — e-mail to my address, and the 政务微信/钉钉 group robot — read with
 * GET /api/me/notification-preferences, saved with PUT (issue 13, item 9).
 */
import type { NotificationSettingsBody } from '../../api/contracts/notifications.ts';
import { api, ApiError } from '../api.ts';
import { field, h, loading, mount, toast } from '../dom.ts';
import type { PageContext } from '../router.ts';

export const title = '通知方式';

/** One channel's switch with its explanation. */
function channel(box: HTMLInputElement, label: string, hint: string): HTMLElement {
  return h('div', { class: 'field' }, h('label', { class: 'check' }, box, label), h('small', { class: 'hint' }, hint));
}

export async function render(ctx: PageContext): Promise<void> {
  mount(ctx.root, loading());
  const s = await api.get<NotificationSettingsBody>('/api/me/notification-preferences');
  if (!ctx.alive()) return;

  const inApp = h('input', { type: 'checkbox', id: 'notify-inapp', checked: true, disabled: true });
  const email = h('input', { type: 'checkbox', id: 'notify-email', checked: s.channels.email });
  const webhook = h('input', { type: 'checkbox', id: 'notify-webhook', checked: s.channels.webhook });
  const address = h('input', { type: 'email', id: 'notify-address', value: s.email ?? '', autocomplete: 'email', maxlength: 200, placeholder: '例如 zhangming@example.gov.cn' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '保存');
  const off = (configured: boolean) => (configured ? '' : '（平台尚未配置此渠道，开启后暂不发送）');

  const form = h(
    'form',
    {
      class: 'card form-card notify-settings',
      novalidate: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        const mail = address.value.trim();
        if (mail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(mail)) {
          error.textContent = '电子邮箱格式不正确';
          error.hidden = false;
          address.focus();
          return;
        }
        submit.disabled = true;
        try {
          await api.put('/api/me/notification-preferences', { channels: { inApp: true, email: email.checked, webhook: webhook.checked }, email: mail || null });
          toast('通知方式已保存');
          void render(ctx);
        } catch (err) {
          submit.disabled = false;
          if (err instanceof ApiError && err.status !== 401) {
            error.textContent = err.fieldErrors.length ? `${err.message}：${err.fieldErrors.map((e) => e.message).join('；')}` : err.message;
            error.hidden = false;
          }
        }
      },
    },
    h('p', { class: 'hint' }, '案件的审批结果、退回、办结和新待办都会通知您，通知写明案件编号和事项名称。站内通知始终开启；可另选电子邮件和群机器人。'),
    channel(inApp, '站内通知', '在“通知”和页头的铃铛中查看，不能关闭。'),
    channel(email, '电子邮件', `发送到下面的邮箱；未填写邮箱则不发送。${off(s.available.email)}`),
    field('接收通知的电子邮箱', address),
    channel(webhook, '政务微信/钉钉群机器人', `在工作群中发送“致 您的姓名”的消息，群内成员都能看到。${off(s.available.webhook)}`),
    error,
    h('div', { class: 'actions' }, submit),
  );
  mount(ctx.root, h('section', { class: 'page narrow notify-settings-page' }, h('h1', '通知方式'), form));
}
