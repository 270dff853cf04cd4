import { z } from 'zod';
import { anyObject, contract, handDescribed, isoTime, optionalText, paging, pathParam, q, text, totalCountHeader } from '../contract.ts';

/** The inbox (待办箱): src/api/tasks.ts. */

const Task = handDescribed('Task');
const taskParams = z.object({ id: pathParam('任务 id') });

export const taskList = contract({
  method: 'get',
  path: '/tasks',
  summary: '任务列表（待办箱）',
  tags: ['tasks'],
  description:
    '默认：本人可见的任务（本人办理的，和本人可认领的）。assignee=me 本人已认领；candidate=me 本人可认领；completedBy=me 本人办理过的（已办，默认 status=completed、按办理时间倒序，每项带 case：案件当前状态和待办环节）。监察室可用 all=true 或他人用户名（只读）。每项带案件的流水号（caseNumber）、标题（subject）、申请人（startedByName），以及职责分离不允许本人办理时的原因（blockedReason）。',
  // Keys in the order the old reader read them, so `details` lists problems in the same order.
  query: z.object({
    assignee: q.str('me 或用户名（他人仅限监察室）', 100),
    candidate: q.str('me 或用户名（他人仅限监察室）：未认领且可认领的任务', 100),
    all: q.bool('监察室：全部任务'),
    overdue: q.bool('true：只列已超期的'),
    completedBy: q.str('me 或用户名（他人仅限监察室）：已办', 100),
    actingFor: q.str('委托：本人此刻代其办理的用户 id，列出其待办（不是其被委托人 403 SUBSTITUTE_NOT_ACTIVE）', 100),
    status: q.oneOf('open（默认）| completed | cancelled', ['open', 'completed', 'cancelled']),
    processKey: q.str('流程标识', 120),
    instance: q.str('流程实例 id', 36),
    dueBefore: q.time('期限早于此时'),
    q: q.str('在任务名称、业务键、案件流水号、标题和申请人姓名中查找', 100),
    sort: q.oneOf('排序：due、-due、created（默认）、-created、completed、-completed（已办默认）', ['due', '-due', 'created', '-created', 'completed', '-completed']),
    ...paging,
  }),
  responses: { 200: { schema: z.object({ items: z.array(Task), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), headers: totalCountHeader } },
  errors: { 404: '用户不存在（USER_NOT_FOUND）' },
});

export const taskGet = contract({
  method: 'get',
  path: '/tasks/:id',
  summary: '任务详情：任务、表单 JSON、表单显示的实例变量',
  tags: ['tasks'],
  description:
    '对无权查看的任务一律答 403 NOT_CANDIDATE（与认领、办理一致）；不存在答 404。候选人仅在任务未认领时可查看。个人信息（身份证号、电话、地址）除正在办理的人外一律脱敏（personalData）；监察室可加 reveal=personal 查看完整信息（记入审计 personal-data.read），其他人 403 PERSONAL_DATA_FORBIDDEN。',
  params: taskParams,
  query: z.object({ reveal: q.oneOf('personal：监察室查看未脱敏的个人信息（记入审计）', ['personal']) }),
  responses: { 200: { schema: handDescribed('TaskDetail') } },
  errors: { 404: true },
});

export const taskClaim = contract({
  method: 'post',
  path: '/tasks/:id/claim',
  summary: '认领任务',
  tags: ['tasks'],
  params: taskParams,
  responses: { 200: { schema: Task } },
  errors: { 404: true, 409: true },
});

export const taskUnclaim = contract({
  method: 'post',
  path: '/tasks/:id/unclaim',
  summary: '放回待认领',
  tags: ['tasks'],
  description: '认领人把任务放回组内由其他候选人认领。流程指定办理人的任务（camunda:assignee，如申请人自己的“修改或撤回”）不能放回：409 TASK_ASSIGNED_BY_PROCESS，任务不变。',
  params: taskParams,
  responses: { 200: { schema: Task } },
  errors: { 404: true, 409: true },
});

export const taskComplete = contract({
  method: 'post',
  path: '/tasks/:id/complete',
  summary: '办理（完成）任务，提交表单数据',
  tags: ['tasks'],
  params: taskParams,
  body: z.object({ variables: anyObject.optional().meta({ description: '表单数据' }) }),
  responses: { 200: { schema: z.object({ task: Task, instance: handDescribed('Instance'), nextTasks: z.array(Task) }) } },
  errors: { 404: true, 409: true, 422: true },
});

export const taskBatchComplete = contract({
  method: 'post',
  path: '/tasks/batch-complete',
  summary: '批量审批：表单只需审批结论和意见的多件待办一次办理（每件单独一步、单独审计）',
  description: '逐件办理并返回每件结果；某件不能办理时该件 refused（error.code 如 NOT_CANDIDATE、SEPARATION_OF_DUTIES、BATCH_NOT_SIMPLE），其他件照常。taskIds 为空或超过 50 件 422。',
  tags: ['tasks'],
  body: z.object({
    taskIds: z.array(z.unknown()).meta({ description: '任务 id，1 至 50 件' }),
    decision: text(100, '审批结论的取值，如 approve'),
    comment: optionalText(1000, '审批意见'),
  }),
  responses: {
    200: {
      schema: z.object({
        completed: z.number().int(),
        refused: z.number().int(),
        results: z.array(
          z.object({
            taskId: z.string(),
            status: z.enum(['completed', 'refused']),
            instanceStatus: z.string().optional(),
            error: z.object({ code: z.string(), message: z.string(), httpStatus: z.number().int() }).optional(),
          }),
        ),
      }),
    },
  },
  errors: { 422: '未选择待办或超过 50 件（taskIds）' },
});

export const unitTasks = contract({
  method: 'get',
  path: '/unit-tasks',
  summary: '本单位待办：等待本单位人员办理的任务（本单位负责人、联络员；监察室可查任一单位）',
  tags: ['tasks'],
  query: z.object({ unit: q.str('单位 id（默认本人所在单位）', 60), ...paging }),
  responses: { 200: { schema: z.object({ unit: z.object({ id: z.string(), name: z.string() }), items: z.array(Task), total: z.number().int() }), headers: totalCountHeader } },
  errors: { 404: true },
});

export const taskAssign = contract({
  method: 'post',
  path: '/tasks/:id/assign',
  summary: '转办：认领人把任务交给该任务的另一名候选人（须符合职责分离），接收人收到通知',
  tags: ['tasks'],
  params: taskParams,
  body: z.object({ userId: z.string().max(100).meta({ description: '接收人用户名' }), comment: optionalText(500, '转办说明（可选）') }),
  responses: { 200: { description: '已转办', schema: Task } },
  errors: { 404: true, 409: true, 422: true },
});

export const taskRemind = contract({
  method: 'post',
  path: '/tasks/:id/remind',
  summary: '催办：提醒办理人（未认领时为候选人）尽快办理；监察室、申请人及相关单位负责人、联络员可用，同一人每小时一次',
  tags: ['tasks'],
  params: taskParams,
  body: z.object({ message: optionalText(200, '催办留言（可选，最多 200 字）') }),
  responses: { 201: { description: '已催办', schema: z.object({ taskId: z.string(), instanceId: z.string(), recipients: z.array(z.string()), at: isoTime() }) } },
  errors: { 404: true, 409: '一小时内已催办过（REMIND_TOO_SOON）或无人可催办（NO_ONE_TO_REMIND）', 422: true },
});

export const taskContracts = [taskList, taskGet, taskClaim, taskUnclaim, taskComplete, taskBatchComplete, unitTasks, taskAssign, taskRemind];
