import { z } from 'zod';
import { contract, isoTime, pathParam, q, text, type ResponseOf } from '../contract.ts';

/** Signing in and out, one's own password, who one is; passwords set for others under four eyes. */

export const User = z.object({ id: z.string(), displayName: z.string(), title: z.string().nullable(), unitId: z.string().nullable() }).meta({ id: 'User' });

export const Me = z
  .object({
    user: User,
    groups: z.array(z.object({ id: z.string(), name: z.string() })),
    unit: z
      .object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        isHead: z.boolean().meta({ description: '本人是该单位负责人' }),
        isContact: z.boolean().meta({ description: '本人是该单位联络员' }),
      })
      .nullable(),
    mustChangePassword: z.boolean(),
    passwordExpiresAt: isoTime(),
  })
  .meta({ id: 'Me' });

export const LoginResult = Me.extend({
  token: z.string().meta({ description: 'Bearer 令牌' }),
  tokenType: z.literal('Bearer'),
  idleTimeoutSeconds: z.number().int(),
  maxLifetimeSeconds: z.number().int().meta({ description: '会话最长时限（SESSION_MAX_HOURS，默认 12 小时）' }),
}).meta({ id: 'LoginResult' });

export const login = contract({
  method: 'post',
  path: '/auth/login',
  summary: '登录：返回令牌（Bearer）并设置 HttpOnly 会话 Cookie',
  tags: ['auth'],
  access: 'public',
  description:
    '同一用户名 15 分钟内连续 5 次失败即锁定 15 分钟（403 ACCOUNT_LOCKED，不结束已登录的会话；不存在的用户名同样计数、同样应答）；同一地址短时间内大量尝试答 429 SIGN_IN_THROTTLED（带 Retry-After）；密码校验繁忙时答 503 SIGN_IN_BUSY（带 Retry-After）。会话 30 分钟无操作失效，登录 12 小时后失效。',
  body: z.object({ username: text(100), password: text(200) }),
  responses: { 200: { schema: LoginResult } },
  errors: {
    401: '用户名或密码错误（UNAUTHORIZED）',
    403: '账号已锁定（ACCOUNT_LOCKED）或停用',
    429: '同一地址登录尝试过多（SIGN_IN_THROTTLED），Retry-After 秒后再试',
    503: '密码校验繁忙（SIGN_IN_BUSY），Retry-After 秒后再试',
  },
});

export const logout = contract({
  method: 'post',
  path: '/auth/logout',
  summary: '退出登录（结束本会话）',
  tags: ['auth'],
  responses: { 204: { description: '已退出' } },
});

export const changePassword = contract({
  method: 'post',
  path: '/auth/password',
  summary: '修改密码',
  tags: ['auth'],
  description: '至少 10 位，含大写、小写、数字、特殊字符中的三类；不得与最近 5 次相同。密码 90 天过期。',
  body: z.object({ oldPassword: text(200), newPassword: text(200) }),
  responses: { 200: { schema: z.object({ ok: z.literal(true), mustChangePassword: z.boolean(), passwordExpiresAt: isoTime() }) } },
  errors: { 422: '新密码不符合要求（VALIDATION_FAILED）' },
});

export const me = contract({
  method: 'get',
  path: '/me',
  summary: '当前用户、所在组与单位',
  tags: ['auth'],
  responses: { 200: { schema: Me } },
});

const PasswordReset = z
  .object({
    id: z.string(),
    userId: z.string(),
    userName: z.string().nullable(),
    requestedBy: z.string(),
    reason: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'used', 'expired']),
    approvalInstanceId: z.string().nullable(),
    decidedBy: z.string().nullable(),
    comment: z.string().nullable(),
    requestedAt: isoTime(),
    decidedAt: isoTime(),
    expiresAt: isoTime(),
    usedAt: isoTime(),
  })
  .meta({ id: 'PasswordResetRequest' });

export const setPassword = contract({
  method: 'post',
  path: '/users/:id/password',
  summary: '设置用户密码（软件公司，第九条）；用户下次登录须修改',
  description:
    '经审批的用户变更新建、从未登录、且不属于局领导、监察室、党委、纪委、软件公司的账号：直接设置初始密码（mode=first-password）。其他账号须先提交重置申请并经局领导或监察室批准，由申请人在 24 小时内设置一次（mode=approved-reset），账号本人的会话全部结束并收到通知；否则 403 PASSWORD_RESET_NEEDS_APPROVAL，不作任何更改。不能重置自己的密码（403 PASSWORD_RESET_SELF）。',
  tags: ['auth'],
  params: z.object({ id: pathParam('用户名') }),
  body: z.object({ password: text(200) }),
  responses: {
    200: {
      schema: z.object({
        ok: z.literal(true),
        userId: z.string(),
        mustChangePassword: z.literal(true),
        mode: z.enum(['first-password', 'approved-reset']),
        resetRequestId: z.string().nullable().optional(),
        sessionsEnded: z.number().int(),
      }),
    },
  },
  errors: { 404: true, 422: '密码不符合要求（VALIDATION_FAILED）' },
});

export const requestPasswordReset = contract({
  method: 'post',
  path: '/users/:id/password-reset-requests',
  summary: '申请重置用户密码（软件公司）：由局领导或监察室审批（流程 platform-password-reset），申请人和账号本人不得审批；账号本人收到通知',
  tags: ['auth'],
  params: z.object({ id: pathParam('用户名') }),
  body: z.object({ reason: text(1000) }),
  responses: { 202: { description: '已提交审批', schema: PasswordReset } },
  errors: { 404: true, 409: true },
});

export const listPasswordResets = contract({
  method: 'get',
  path: '/password-reset-requests',
  summary: '密码重置申请（软件公司、局领导、监察室）',
  tags: ['auth'],
  query: z.object({ status: q.oneOf('pending | approved | rejected | used | expired', ['pending', 'approved', 'rejected', 'used', 'expired']), userId: q.str('账号', 60) }),
  responses: { 200: { schema: z.object({ items: z.array(PasswordReset) }) } },
});

export const authContracts = [login, logout, changePassword, me, setPassword, requestPasswordReset, listPasswordResets];

export type MeBody = ResponseOf<typeof me>;
export type LoginBody = ResponseOf<typeof login>;
export type PasswordResetBody = z.output<typeof PasswordReset>;
