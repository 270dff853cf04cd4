import { z } from 'zod';
import { contract, type ResponseOf } from '../contract.ts';

/** A person's notification channels (issue 13, item 9), src/api/notification-preferences.ts. */

const Channels = z.object({
  inApp: z.literal(true).meta({ description: '站内通知，始终开启' }),
  email: z.boolean().meta({ description: '电子邮件（须有邮箱地址，且平台已配置 SMTP）' }),
  webhook: z.boolean().meta({ description: '政务微信/钉钉群机器人（群内可见，平台已配置 webhook 时）' }),
});

const Settings = z.object({
  channels: Channels,
  email: z.string().nullable().meta({ description: '接收通知的电子邮箱；null 表示未填写（不发邮件）' }),
  available: z
    .object({ email: z.boolean(), webhook: z.boolean() })
    .meta({ description: '平台已配置的渠道；未配置的渠道即使开启也不发送' }),
});

export const getNotificationPreferences = contract({
  method: 'get',
  path: '/me/notification-preferences',
  summary: '我的通知方式：站内、电子邮件、群机器人',
  tags: ['auth'],
  responses: { 200: { schema: Settings } },
});

export const putNotificationPreferences = contract({
  method: 'put',
  path: '/me/notification-preferences',
  summary: '设置我的通知方式（及接收邮箱）',
  description:
    '站内通知不能关闭（inApp 须为 true，否则 422 VALIDATION_FAILED，不做任何修改）。email 可同时修改接收邮箱（空字符串或 null 清除）。写审计 notification-preferences.update（含修改前后）。未设置过的人：电子邮件开、群机器人关。',
  tags: ['auth'],
  body: z.object({
    channels: z.object({ inApp: z.boolean(), email: z.boolean(), webhook: z.boolean() }),
    email: z.string().max(200).nullable().optional().meta({ description: '接收通知的电子邮箱（不填则不变）' }),
  }),
  responses: { 200: { schema: Settings } },
  errors: { 422: '站内通知不能关闭，或邮箱格式不正确（VALIDATION_FAILED）' },
});

export const notificationContracts = [getNotificationPreferences, putNotificationPreferences];

export type NotificationSettingsBody = ResponseOf<typeof getNotificationPreferences>;
