/**
 * The task page's actions besides 提交: 认领 and 放回待认领, 转办 to another candidate, 退回 to an
 * earlier step or the applicant, and 抄送 for others' information. Each reports a refusal through
 * the page's problem box and, done, goes back to the inbox or reloads the task.
 */
import { api, ApiError, type Task } from '../api.ts';
import { choose, toast } from '../dom.ts';
import { refreshPendingCount } from '../layout.ts';
import { unitLabel, userLabel } from '../names.ts';
import { navigate } from '../router.ts';
import { user } from '../session.ts';

/** What the actions need of the task's detail. */
export interface TaskActionDetail {
  assignable?: Array<{ id: string; displayName: string; unitId: string | null }>;
  returnTargets?: Array<{ elementId: string; name: string; applicant: boolean }>;
}

/** The action buttons the page shows (null when the action is not offered). */
export interface TaskActionButtons {
  claim: HTMLButtonElement | null;
  unclaim: HTMLButtonElement | null;
  assign: HTMLButtonElement | null;
  return: HTMLButtonElement | null;
  cc: HTMLButtonElement | null;
}

/**
 * Wires the buttons to their actions. Usage: `wireTaskActions(task, detail, { claim, unclaim, assign, return: ret, cc }, showProblem)`.
 */
export function wireTaskActions(task: Task, detail: TaskActionDetail, buttons: TaskActionButtons, showProblem: (text: string) => void): void {
  const me = user();
  const { claim: claimBtn, unclaim: unclaimBtn, assign: assignBtn, return: returnBtn, cc: ccBtn } = buttons;
  const claimAction = (btn: HTMLButtonElement, action: 'claim' | 'unclaim') =>
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api.post(`/api/tasks/${encodeURIComponent(task.id)}/${action}`);
        toast(action === 'claim' ? '已认领' : '已退回');
        void refreshPendingCount();
        if (action === 'unclaim') navigate('/inbox');
        else navigate(location.pathname, { replace: true });
      } catch (err) {
        btn.disabled = false;
        if (err instanceof ApiError && err.status !== 401) showProblem(err.message);
      }
    });
  if (claimBtn) claimAction(claimBtn, 'claim');
  if (unclaimBtn) claimAction(unclaimBtn, 'unclaim');
  // 转办: hand the task to another candidate, with a note for them.
  assignBtn?.addEventListener('click', async () => {
    const options = (detail.assignable ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${unitLabel(u.unitId)}）` }));
    const r = await choose({ title: '转办', message: `把“${task.name ?? task.elementId}”交给该环节的另一名办理人。接收人收到通知，转办记入流程历史。`, select: { label: '接收人', options }, input: '转办说明（可选）', ok: '确认转办' });
    if (!r) return;
    assignBtn.disabled = true;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/assign`, { userId: r.value, comment: r.text || undefined });
      toast(`已转办给 ${userLabel(r.value)}`);
      void refreshPendingCount();
      navigate('/inbox');
    } catch (err) {
      assignBtn.disabled = false;
      if (err instanceof ApiError && err.status !== 401) showProblem(err.fieldErrors[0]?.message ?? err.message);
    }
  });

  returnBtn?.addEventListener('click', async () => {
    const options = (detail.returnTargets ?? []).map((t) => ({ value: t.elementId, label: t.applicant ? `${t.name}（申请人）` : t.name }));
    const r = await choose({ title: '退回', message: '把本案退回到已办理过的环节或申请人重新办理。退回理由通知申请人和该环节的办理人，记入流程历史。', select: { label: '退回到', options }, input: '退回理由', ok: '确认退回' });
    if (!r) return;
    if (!r.text.trim()) return showProblem('请填写退回理由');
    returnBtn.disabled = true;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/return`, { targetElementId: r.value, comment: r.text });
      toast('已退回');
      void refreshPendingCount();
      navigate('/inbox');
    } catch (err) {
      returnBtn.disabled = false;
      if (err instanceof ApiError && err.status !== 401) showProblem(err.fieldErrors[0]?.message ?? err.message);
    }
  });
  ccBtn?.addEventListener('click', async () => {
    let users: Array<{ id: string; displayName: string; unitName: string | null; status: string }> = [];
    try {
      users = (await api.get<{ users: typeof users }>('/api/directory')).users.filter((u) => u.status === 'active' && u.id !== me.user.id);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) showProblem(err.message);
      return;
    }
    const r = await choose({ title: '抄送', message: '抄送人只能查看本案，不能办理；对方收到通知。', select: { label: '抄送给', options: users.map((u) => ({ value: u.id, label: `${u.displayName}（${u.unitName ?? '—'}）` })) }, input: '说明（可选）', ok: '确认抄送' });
    if (!r) return;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/cc`, { userIds: [r.value], comment: r.text || undefined });
      toast(`已抄送给 ${userLabel(r.value)}`);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) showProblem(err.fieldErrors[0]?.message ?? err.message);
    }
  });
}
