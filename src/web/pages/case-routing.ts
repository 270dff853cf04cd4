/**
 * Routing actions on a case in the UI (issue 13, item 7): 加签 (a dialog: person, mode, comment;
 * the step's signers), 申请撤回 (the applicant asks; the current handler approves or rejects) and
 * 收回 (the previous handler takes the case back from 已办). The server decides; its refusal
 * (e.g. 409 RECALL_TOO_LATE) is shown as it says it.
 */
import { api, ApiError } from '../api.ts';
import { ask, field, h, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';

export interface Signer { userId: string; userName: string | null; mode: string; status: string; comment: string | null; signerTaskId: string | null }

export const SIGN_MODE: Record<string, string> = { before: '前加签', after: '后加签', parallel: '会签（并行）' };
const SIGNER_STATUS: Record<string, string> = { waiting: '待本环节办理后签署', active: '待签署', done: '已签署', cancelled: '已取消' };

interface DirectoryUser { id: string; displayName: string; unitName: string | null; status: string }

/** Active people of the directory other than `except`, by Chinese name and unit. */
export async function directoryPeople(except: string): Promise<DirectoryUser[]> {
  const users = (await api.get<{ users: DirectoryUser[] }>('/api/directory')).users;
  return users.filter((u) => u.status === 'active' && u.id !== except).sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
}

export function personSelect(people: DirectoryUser[], attrs: Record<string, string | boolean> = {}): HTMLSelectElement {
  return h('select', { required: true, ...attrs }, h('option', { value: '' }, '请选择人员'), people.map((u) => h('option', { value: u.id }, `${u.displayName}（${u.unitName ?? '—'}）`)));
}

/** The step's signers (加签人), with mode and state. */
export function signersCard(signers: Signer[]): HTMLElement | null {
  if (!signers.length) return null;
  return h(
    'div',
    { class: 'card signers-card' },
    h('h2', `加签人（${signers.length}）`),
    h(
      'ul',
      { class: 'signers' },
      signers.map((s) =>
        h(
          'li',
          { class: 'signer', 'data-user': s.userId },
          h('strong', userLabel(s.userId, s.userName ?? undefined)),
          ` · ${SIGN_MODE[s.mode] ?? s.mode} · `,
          h('span', { class: `tag tag-${s.status}` }, SIGNER_STATUS[s.status] ?? s.status),
          s.comment ? h('div', { class: 'cell-sub' }, `说明：${s.comment}`) : null,
        ),
      ),
    ),
  );
}

/** The 加签 dialog; resolves with what was chosen, or null when cancelled. */
function signerDialog(people: DirectoryUser[]): Promise<{ userId: string; mode: string; comment: string } | null> {
  return new Promise((resolve) => {
    const person = personSelect(people);
    const mode = h('select', { required: true }, Object.entries(SIGN_MODE).map(([v, label]) => h('option', { value: v }, label)));
    const comment = h('textarea', { rows: 3 });
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'signer-title' });
    const close = (v: { userId: string; mode: string; comment: string } | null) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    const form = h(
      'form',
      {
        method: 'dialog',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          if (!person.value) {
            person.setAttribute('aria-invalid', 'true');
            person.focus();
            return;
          }
          close({ userId: person.value, mode: mode.value, comment: comment.value.trim() });
        },
      },
      h('h2', { id: 'signer-title' }, '加签'),
      h('p', '请另一人在本环节一同签署：前加签由其先签，您再办理；后加签在您办理后由其签署；会签两人不分先后。'),
      field('加签人', person),
      field('加签方式', mode),
      field('加签说明（可选）', comment),
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(null) }, '取消'), h('button', { type: 'submit', class: 'btn btn-primary' }, '确认加签')),
    );
    dialog.appendChild(form);
    dialog.addEventListener('cancel', () => close(null));
    document.body.appendChild(dialog);
    dialog.showModal();
    person.focus();
  });
}

/** A 加签 button for the task page; `problem` shows the server's refusal, `done` runs after success. */
export function addSignerButton(taskId: string, me: string, problem: (text: string) => void, done: () => void): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'btn btn-ghost' }, '加签');
  btn.addEventListener('click', async () => {
    let people: DirectoryUser[];
    try {
      people = await directoryPeople(me);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) problem(err.message);
      return;
    }
    const r = await signerDialog(people);
    if (!r) return;
    btn.disabled = true;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(taskId)}/add-signer`, { userId: r.userId, mode: r.mode, comment: r.comment || undefined });
      toast(`已加签：${userLabel(r.userId)}（${SIGN_MODE[r.mode]}）`);
      done();
    } catch (err) {
      btn.disabled = false;
      if (err instanceof ApiError && err.status !== 401) problem(err.fieldErrors[0]?.message ?? err.message);
    }
  });
  return btn;
}

export interface WithdrawRequest { id: string; instanceId: string; reason: string; requestedBy: string; requestedAt: string | null; status: string; decidedBy: string | null; decidedAt: string | null; comment: string | null }

const WITHDRAW_STATUS: Record<string, string> = { pending: '待处理', approved: '已同意撤回', rejected: '不同意撤回' };

/**
 * The case's 申请撤回 requests; for the current handler (`mayDecide`) a pending one has
 * 同意撤回 / 不同意 buttons. `done(approved)` runs after a decision.
 */
export async function withdrawRequestsCard(instanceId: string, mayDecide: boolean, done: (approved: boolean) => void): Promise<HTMLElement | null> {
  let items: WithdrawRequest[];
  try {
    items = (await api.get<{ items: WithdrawRequest[] }>(`/api/process-instances/${encodeURIComponent(instanceId)}/withdraw-requests`)).items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    return null;
  }
  if (!items.length) return null;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const decide = (w: WithdrawRequest, approve: boolean) => async (ev: Event) => {
    const comment = await ask({ title: approve ? '同意撤回' : '不同意撤回', message: approve ? '同意后本案终止办理，申请人收到通知。' : '本案继续办理，申请人收到通知。', input: '处理意见（可选）', ok: approve ? '同意撤回' : '不同意', danger: approve });
    if (comment === null) return;
    (ev.target as HTMLButtonElement).disabled = true;
    try {
      await api.post(`/api/withdraw-requests/${encodeURIComponent(w.id)}/decide`, { approve, comment: comment || undefined });
      toast(approve ? '已同意撤回，本案终止' : '已不同意撤回');
      done(approve);
    } catch (err) {
      (ev.target as HTMLButtonElement).disabled = false;
      if (err instanceof ApiError && err.status !== 401) {
        error.textContent = err.message;
        error.hidden = false;
      }
    }
  };
  return h(
    'div',
    { class: 'card withdraw-requests' },
    h('h2', '撤回申请'),
    error,
    h(
      'ul',
      items.map((w) =>
        h(
          'li',
          { class: 'withdraw-request', 'data-status': w.status },
          h('strong', userLabel(w.requestedBy)),
          ` 于 ${w.requestedAt ? fmtDateTime(w.requestedAt) : '—'} 申请撤回：${w.reason || '（未说明理由）'} `,
          h('span', { class: `tag tag-${w.status}` }, WITHDRAW_STATUS[w.status] ?? w.status),
          w.comment ? h('div', { class: 'cell-sub' }, `处理意见：${w.comment}`) : null,
          mayDecide && w.status === 'pending'
            ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: decide(w, true) }, '同意撤回'), h('button', { type: 'button', class: 'btn btn-small', onclick: decide(w, false) }, '不同意撤回'))
            : null,
        ),
      ),
    ),
  );
}

/** 申请撤回 for the applicant of a running case once someone has acted on it. */
export function withdrawRequestButton(instanceId: string, done: () => void): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'btn btn-ghost' }, '申请撤回');
  btn.addEventListener('click', async () => {
    const reason = await ask({ title: '申请撤回', message: '本案已有人办理，撤回须由当前环节的办理人同意。', input: '撤回理由', required: true, ok: '提交申请' });
    if (reason === null) return;
    btn.disabled = true;
    try {
      await api.post(`/api/process-instances/${encodeURIComponent(instanceId)}/withdraw-request`, { reason });
      toast('撤回申请已提交，待当前办理人处理');
      done();
    } catch (err) {
      btn.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  });
  return btn;
}

/** 收回 on an 已办 row: the server refuses (RECALL_TOO_LATE…) once the next handler has acted. */
export function recallButton(taskId: string, done: () => void): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-ghost' }, '收回');
  btn.addEventListener('click', async () => {
    const ok = await ask({ title: '收回', message: '收回后下一环节的待办取消，本环节重新由您办理。', ok: '确认收回' });
    if (ok === null) return;
    btn.disabled = true;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(taskId)}/recall`);
      toast('已收回，请重新办理');
      done();
    } catch (err) {
      btn.disabled = false;
      if (err instanceof ApiError && err.status !== 401) {
        toast(err.message, 'error');
        btn.parentElement?.querySelector('.recall-refused')?.remove();
        btn.parentElement?.appendChild(h('div', { class: 'form-error recall-refused', role: 'alert' }, err.message));
      }
    }
  });
  return btn;
}
