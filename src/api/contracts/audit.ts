import { z } from 'zod';
import { contract, isoTime, listOf, paging, q, totalCountHeader, type ResponseOf } from '../contract.ts';

/** The audit trail and the sign-in records (supervision and the security auditor). */

const AuditEntry = z
  .object({
    seq: z.number().int(),
    at: isoTime(),
    actor: z.string(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    instanceId: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const auditList = contract({
  method: 'get',
  path: '/audit',
  summary: '审计日志（监察室、安全审计员）',
  tags: ['audit'],
  query: z.object({
    actor: q.str('操作人', 100),
    instance: q.str('流程实例 id', 36),
    action: q.str('操作，如 task.complete', 60),
    objectType: q.str('对象类型', 40),
    objectId: q.str('对象 id', 200),
    from: q.time('起始时间（含）'),
    to: q.time('截止时间（不含）'),
    reveal: q.oneOf('personal：监察室查看未脱敏的个人信息（本次查阅另记审计）；默认身份证号、电话、地址脱敏', ['personal']),
    ...paging,
  }),
  responses: {
    200: {
      schema: listOf(AuditEntry).extend({ personalData: z.object({ masked: z.boolean(), fields: z.array(z.string()) }) }),
      headers: totalCountHeader,
    },
  },
});

const Verification = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenAt: z.number().int().optional(),
  reason: z.string().optional(),
  broken: z.array(z.object({ seq: z.number().int(), reason: z.string() })),
  truncated: z.boolean().optional(),
  headHash: z.string(),
  /** Rows committed but not yet linked into the chain (checked once linked). */
  pending: z.number().int().optional(),
  verifiedAt: isoTime(),
});

export const auditVerify = contract({
  method: 'get',
  path: '/audit/verify',
  summary: '链接待入链的审计记录并校验整条审计哈希链（监察室、安全审计员）',
  tags: ['audit'],
  responses: { 200: { schema: Verification } },
});

export const auditVerification = contract({
  method: 'get',
  path: '/audit/verification',
  summary: '最近一次审计哈希链校验的结果，不重新计算（监察室、安全审计员；从未校验过则现在校验）',
  tags: ['audit'],
  responses: { 200: { schema: Verification } },
});

const LoginEvent = z
  .object({ id: z.number().int().optional(), username: z.string(), success: z.boolean(), reason: z.string(), ip: z.string().nullable(), userAgent: z.string().nullable(), at: isoTime() })
  .meta({ id: 'LoginEvent' });

export const loginEvents = contract({
  method: 'get',
  path: '/login-events',
  summary: '登录记录（监察室、安全审计员）',
  tags: ['audit'],
  query: z.object({ username: q.str('用户名', 100), success: q.bool('true：只列成功的；false：只列失败的'), from: q.time('起始时间（含）'), to: q.time('截止时间（不含）'), ...paging }),
  responses: { 200: { schema: listOf(LoginEvent), headers: totalCountHeader } },
});

export const auditContracts = [auditList, auditVerify, auditVerification, loginEvents];

export type AuditPage = ResponseOf<typeof auditList>;
export type AuditVerifyBody = ResponseOf<typeof auditVerify>;
export type LoginEventPage = ResponseOf<typeof loginEvents>;
