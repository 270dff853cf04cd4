/** 催办: a button that reminds whoever must act on an open task (the server decides who may). */
import { api, ApiError, type Task } from '../api.ts';
import { ask, h, toast } from '../dom.ts';
import { candidatesLabel, userLabel } from '../names.ts';

/** Usage: `row.append(h('td', remindButton(task)))`. */
export function remindButton(t: Task): HTMLButtonElement {
  const who = t.assignee ? userLabel(t.assignee) : candidatesLabel(t) || '候选人';
  const button = h('button', { type: 'button', class: 'btn btn-small', 'data-remind': t.id, 'aria-label': `催办：${t.name ?? t.elementId}` }, '催办');
  button.addEventListener('click', async () => {
    const message = await ask({ title: '催办', message: `提醒${who}尽快办理“${t.name ?? t.elementId}”。同一任务每人每小时可催办一次，催办记入流程历史。`, input: '催办留言（可选）', ok: '发送催办' });
    if (message === null) return;
    button.disabled = true;
    try {
      const r = await api.post<{ recipients: string[] }>(`/api/tasks/${encodeURIComponent(t.id)}/remind`, { message: message.trim() || undefined });
      toast(`已催办：${r.recipients.map((u) => userLabel(u)).join('、')}`);
      button.textContent = '已催办';
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  });
  return button;
}
