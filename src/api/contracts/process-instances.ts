import { z } from 'zod';
import { anyObject, contract, handDescribed, isoTime, paging, pathParam, q, text, totalCountHeader } from '../contract.ts';

/** Process instances (cases): src/api/process-instances.ts and POST /signals/:name (signals.ts). */

const Instance = handDescribed('Instance');
const Task = handDescribed('Task');
const instanceParams = z.object({ id: pathParam('实例 id') });

const OpenTask = z.object({ id: z.string(), elementId: z.string(), name: z.string().nullable(), assignee: z.string().nullable(), dueAt: isoTime() });

export const instanceList = contract({
  method: 'get',
  path: '/process-instances',
  summary: '流程实例列表（本人发起或参与的；监察室可见全部）',
  tags: ['process-instances'],
  // Keys in the order the old reader read them (`details` order).
  query: z.object({
    overdue: q.bool('true：有超期未办任务的'),
    key: q.str('流程标识', 120),
    status: q.oneOf('running | completed | cancelled', ['running', 'completed', 'cancelled']),
    startedBy: q.str('发起人', 100),
    businessKey: q.str('业务键', 200),
    unit: q.str('发起人所在单位', 60),
    startedFrom: q.time('发起时间不早于'),
    startedTo: q.time('发起时间早于'),
    q: q.str('在流水号、标题和申请人姓名中查找', 100),
    ...paging,
  }),
  responses: {
    200: {
      schema: z.object({ items: z.array(z.object({ openTasks: z.array(OpenTask) }).catchall(z.unknown()).meta({ description: 'Instance 加 openTasks' })), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
      headers: totalCountHeader,
    },
  },
});

export const instanceGet = contract({
  method: 'get',
  path: '/process-instances/:id',
  summary: '流程实例详情：状态、活动、任务、变量、故障、历史',
  tags: ['process-instances'],
  description:
    '发起人、办理过的人、未认领待办的当前候选人和监察室可查看，其他人 403 INSTANCE_FORBIDDEN。个人信息除正在办理的人外一律脱敏（personalData）；监察室可加 reveal=personal（记入审计），其他人 403 PERSONAL_DATA_FORBIDDEN。',
  params: instanceParams,
  query: z.object({ reveal: q.oneOf('personal：监察室查看未脱敏的个人信息（记入审计）', ['personal']) }),
  responses: { 200: { schema: handDescribed('InstanceDetail') } },
  errors: { 404: true },
});

export const approvalSheet = contract({
  method: 'get',
  path: '/process-instances/:id/approval-sheet',
  summary: '审批单的核验码：本案审计记录哈希（按序号）的 SHA-256，监察室可据审计记录复核',
  tags: ['process-instances'],
  params: z.object({ id: pathParam('流程实例 id') }),
  responses: { 200: { schema: z.object({ instanceId: z.string(), caseNumber: z.string().nullable(), verificationCode: z.string(), auditRows: z.number().int(), generatedAt: isoTime() }) } },
  errors: { 404: true },
});

export const approvalSheetPdf = contract({
  method: 'get',
  path: '/process-instances/:id/approval-sheet.pdf',
  summary: '审批单 PDF（A4，内嵌中文字体）：流水号、事由、申请人及单位、申请内容（表单标签）、各环节办理人/单位/结论/意见/时间、附件清单、核验码',
  description: '读取权限与该案件相同：无权 403 INSTANCE_FORBIDDEN，不存在 404 INSTANCE_NOT_FOUND；服务器缺少中文字体时 503 PDF_FONT_MISSING。',
  tags: ['process-instances'],
  params: z.object({ id: pathParam('流程实例 id') }),
  responses: { 200: { description: '审批单 PDF（Content-Disposition: attachment）', file: 'application/pdf' } },
  errors: { 404: true, 503: '服务器缺少中文字体（PDF_FONT_MISSING）' },
});

export const instanceCancel = contract({
  method: 'post',
  path: '/process-instances/:id/cancel',
  summary: '撤销流程实例（监察室；须符合职责分离，责任追究、行政处罚案件须经局领导审批：202 pending，已有待审批申请 409 CANCEL_PENDING）',
  tags: ['process-instances'],
  params: instanceParams,
  body: z.object({ reason: text(1000, '撤销理由') }),
  responses: {
    200: { schema: Instance },
    202: { description: '须经局领导审批', schema: z.object({ status: z.literal('pending'), requestId: z.string(), approvalInstanceId: z.string(), instance: Instance }) },
  },
  errors: { 404: true, 409: true },
});

const Correlated = z.object({ started: z.boolean(), instance: Instance, tasks: z.array(Task) });

export const messageCorrelate = contract({
  method: 'post',
  path: '/process-instances/messages/:name',
  summary: '发送消息：唤醒等待该消息的实例，或发起以该消息开始的流程',
  tags: ['process-instances'],
  params: z.object({ name: pathParam('消息名称') }),
  body: z.object({ businessKey: z.string().max(200).optional(), instanceId: z.string().max(36).optional(), variables: anyObject.optional() }),
  responses: { 200: { description: '已送达等待的实例', schema: Correlated }, 201: { description: '已发起新实例', schema: Correlated } },
  errors: { 404: true, 409: true, 422: true },
});

export const signalBroadcast = contract({
  method: 'post',
  path: '/signals/:name',
  summary: '广播信号：送达所有等待该信号的实例（捕获事件、边界事件、事件子流程），并发起以该信号开始的流程（监察室、流程管理员；记入审计）',
  tags: ['process-instances'],
  // The name's own check (blank, over 200) stays in the handler with its message.
  params: z.object({ name: z.string().meta({ description: '信号名称' }) }),
  body: z.object({ variables: anyObject.optional() }),
  responses: { 202: { description: '已排队，由作业送达（每个等待的订阅恰好一次）', schema: z.object({ signal: z.string(), id: z.string(), status: z.literal('queued') }) } },
  errors: { 422: true },
});

export const processInstanceContracts = [instanceList, instanceGet, approvalSheet, approvalSheetPdf, instanceCancel, messageCorrelate, signalBroadcast];
