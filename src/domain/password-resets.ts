import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import { SYSTEM } from '../engine/types.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { insertNotifications } from '../store/notifications.ts';
import { getUser, groupsOf } from '../store/org.ts';
import {
  createdByApprovedChange,
  everSignedIn,
  expirePasswordResets,
  insertPasswordResetRequest,
  isDuplicateOpen,
  listPasswordResetRequests,
  usePasswordReset,
  type PasswordResetRequest,
} from '../store/password-resets.ts';
import { appendAudit } from './audit.ts';
import type { AuthService, ClientInfo } from './auth.ts';
import type { Person } from './org.ts';

/**
 * Password resets under four eyes (issue 10, finding 2). The vendor (the platform's system
 * administrator, Art. 9) may set a password directly only for an account an approved user/role
 * change created, that has never signed in and is in none of the protected groups: its first
 * password. Any other reset is a request a second person approves in platform-password-reset.bpmn
 * (a leader or supervision, neither the vendor nor the account's owner); the vendor who asked may
 * then set the password once within a day. The owner is told at each step; an approved reset ends
 * the owner's sessions, and says so.
 * Usage:
 *   await requestPasswordReset(db, engine, { by: vendor, userId: 'supervisor2', reason, client });
 *   await resetPassword(db, auth, { by: vendor, userId: 'supervisor2', password, client });
 */

/** The procedure that decides a reset request. */
export const PASSWORD_RESET_PROCESS = 'platform-password-reset';
/** Members of these groups never get a password from one person alone. */
export const PROTECTED_GROUPS = ['supervision', 'leaders', 'party-committee', 'discipline-committee', 'vendor', 'system-admins', 'security-admins', 'security-auditors'];
/** How long an approved reset may be carried out. */
export const RESET_APPROVAL_MS = 24 * 3600e3;

/** Why the vendor may not set this account's password without approval, or null when it may. */
export async function directResetRefusal(db: Knex | Knex.Transaction, userId: string): Promise<string | null> {
  const groups = await groupsOf(db as Knex, userId);
  const guarded = groups.filter((g) => PROTECTED_GROUPS.includes(g));
  if (guarded.length) return `该账号属于${guarded.join('、')}，重置密码须经第二人审批`;
  if (!(await createdByApprovedChange(db, userId))) return '该账号不是经审批的用户变更新建的账号，重置密码须经第二人审批';
  if (await everSignedIn(db, userId)) return '该账号已经登录过，重置密码须经第二人审批';
  return null;
}

export interface ResetOutcome {
  /** first-password: a new account's first password; approved-reset: a reset a second person approved. */
  mode: 'first-password' | 'approved-reset';
  requestId: string | null;
  sessionsEnded: number;
}

/**
 * Sets `userId`'s password for the vendor `by`: directly for a new account (see
 * directResetRefusal), otherwise only with an approved request of `by` that is used up in the
 * same transaction. 403 PASSWORD_RESET_SELF, 404 USER_NOT_FOUND, 422 weak password,
 * 403 PASSWORD_RESET_NEEDS_APPROVAL (nothing changes).
 */
export async function resetPassword(db: Knex, auth: AuthService, o: { by: Person; userId: string; password: string; client: ClientInfo }): Promise<ResetOutcome> {
  if (o.by.id === o.userId) throw selfError();
  if (!(await getUser(db, o.userId))) throw new NotFoundError(`用户 ${o.userId} 不存在`, 'USER_NOT_FOUND');
  const now = auth.clock.now();
  await expirePasswordResets(db, now);
  const refusal = await directResetRefusal(db, o.userId);
  if (refusal === null) {
    const res = await auth.setPassword(o.userId, o.password, {
      mustChange: true,
      by: o.by.id,
      client: o.client,
      // Re-checked in the transaction: the owner may have signed in meanwhile.
      within: async (trx) => {
        if (await everSignedIn(trx, o.userId)) throw needsApprovalError('该账号已经登录过，重置密码须经第二人审批');
      },
    });
    return { mode: 'first-password', requestId: null, sessionsEnded: res.sessionsEnded };
  }
  const open = await listPasswordResetRequests(db, { userId: o.userId, status: 'approved' });
  if (!open.some((r) => r.requestedBy === o.by.id)) throw needsApprovalError(refusal);
  let used: PasswordResetRequest | undefined;
  const res = await auth.setPassword(o.userId, o.password, {
    mustChange: true,
    by: o.by.id,
    client: o.client,
    endSessions: true,
    within: async (trx, at) => {
      used = await usePasswordReset(trx, o.userId, o.by.id, at);
      if (!used) throw needsApprovalError(refusal);
      await appendAudit(
        trx,
        {
          actor: o.by.id,
          action: 'auth.password.reset',
          objectType: 'user',
          objectId: o.userId,
          ip: o.client.ip,
          requestId: o.client.requestId,
          after: { resetRequestId: used.id, requestedBy: used.requestedBy, approvedBy: used.decidedBy, reason: used.reason },
        },
        at,
      );
      await notify(trx, [o.userId], {
        kind: 'password.reset',
        level: 'red',
        title: '您的登录密码已被重置',
        body: `${o.by.displayName}按经 ${used.decidedBy} 批准的申请重置了您的密码（理由：${used.reason}），您已登录的会话均已结束。请用新的初始密码登录并立即修改；如非本人申请，请立即联系监察室。`,
        key: `password.reset:${used.id}`,
        at,
      });
    },
  });
  return { mode: 'approved-reset', requestId: used!.id, sessionsEnded: res.sessionsEnded };
}

/**
 * Files a reset request of the vendor `by` for `userId` and starts its approval
 * (platform-password-reset, started by the platform); the owner is notified.
 * 403 PASSWORD_RESET_SELF, 404 USER_NOT_FOUND, 409 PASSWORD_RESET_PENDING.
 */
export async function requestPasswordReset(
  db: Knex,
  engine: EngineService,
  o: { by: Person; userId: string; reason: string; client: ClientInfo },
): Promise<{ request: PasswordResetRequest; approvalInstanceId: string }> {
  if (o.by.id === o.userId) throw selfError();
  const user = await getUser(db, o.userId);
  if (!user) throw new NotFoundError(`用户 ${o.userId} 不存在`, 'USER_NOT_FOUND');
  const now = engine.clock.now();
  await expirePasswordResets(db, now);
  const id = randomUUID();
  const request: PasswordResetRequest = {
    id,
    userId: o.userId,
    requestedBy: o.by.id,
    reason: o.reason,
    status: 'pending',
    approvalInstanceId: null,
    decidedBy: null,
    comment: null,
    requestedAt: now,
    decidedAt: null,
    expiresAt: null,
    usedAt: null,
  };
  try {
    const res = await engine.start(PASSWORD_RESET_PROCESS, {
      by: SYSTEM,
      businessKey: `password-reset:${o.userId.slice(0, 60)}:${id.slice(0, 8)}`,
      variables: { requestId: id, userId: o.userId, userName: user.displayName, requestedBy: o.by.id, requesterName: o.by.displayName, reason: o.reason },
      hook: async (trx, r) => {
        request.approvalInstanceId = r.instance.id;
        await insertPasswordResetRequest(trx, request);
        await appendAudit(
          trx,
          { actor: o.by.id, action: 'auth.password.reset-requested', objectType: 'user', objectId: o.userId, ip: o.client.ip, requestId: o.client.requestId, after: { resetRequestId: id, approvalInstanceId: r.instance.id, reason: o.reason } },
          now,
        );
        await notify(trx, [o.userId], {
          kind: 'password.reset-requested',
          level: 'yellow',
          title: '有人申请重置您的登录密码',
          body: `${o.by.displayName}申请重置您的密码（理由：${o.reason}），须经局领导或监察室审批。如非本人要求，请立即联系监察室。`,
          key: `password.reset-requested:${id}`,
          at: now,
        });
      },
    });
    return { request, approvalInstanceId: res.instance.id };
  } catch (err) {
    if (isDuplicateOpen(err)) throw new ConflictError('该账号已有待审批或已批准未使用的密码重置申请', 'PASSWORD_RESET_PENDING');
    throw err;
  }
}

/** Notifications in the step's transaction (one per user, deduplicated by `key`). */
export async function notify(
  trx: Knex.Transaction,
  userIds: string[],
  n: { kind: string; level: 'info' | 'yellow' | 'red'; title: string; body: string; key: string; at: number; instanceId?: string | null },
): Promise<void> {
  await insertNotifications(
    trx,
    [...new Set(userIds)].map((userId) => ({
      id: randomUUID(),
      userId,
      kind: n.kind,
      level: n.level,
      title: n.title,
      body: n.body,
      taskId: null,
      instanceId: n.instanceId ?? null,
      dedupeKey: `${n.key}:${userId}`,
      createdAt: n.at,
      readAt: null,
    })),
  );
}

function selfError(): ForbiddenError {
  return new ForbiddenError('不能通过管理功能重置自己的密码，请在“修改密码”中修改', 'PASSWORD_RESET_SELF');
}

function needsApprovalError(why: string): ForbiddenError {
  return new ForbiddenError(`${why}：请先提交密码重置申请，经局领导或监察室批准后再设置`, 'PASSWORD_RESET_NEEDS_APPROVAL', {
    requestPath: '/api/users/{id}/password-reset-requests',
  });
}

/** Reset requests, newest first, for the vendor and the approvers to read. */
export function passwordResetRequests(db: Knex, f: { status?: PasswordResetRequest['status']; userId?: string }): Promise<PasswordResetRequest[]> {
  return listPasswordResetRequests(db, f);
}
