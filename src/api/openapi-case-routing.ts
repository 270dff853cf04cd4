import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of 加签, 委托, 收回, 申请撤回 and notification settings (src/api/case-routing.ts and friends). */
export function caseRoutingPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, arr, obj, anyObject, ok, jsonBody, pathParam, signedIn } = h;
  const tags = ['tasks'];
  const id = pathParam('id', '任务 id');
  const substitution = obj({
    id: str(), userId: str(), userName: str(undefined, { nullable: true }), substituteId: str(), substituteName: str(undefined, { nullable: true }),
    from: h.time(), to: h.time(), createdAt: h.time(), cancelledAt: h.time(), active: { type: 'boolean' },
  });
  return {
    '/api/tasks/{id}/add-signer': {
      post: signedIn(
        {
          summary: '加签：本环节办理人请另一人在本环节签署意见',
          description:
            'mode：before（前加签，加签人先签，签后任务回到本人继续办理；其间本人办理 409 ADD_SIGNER_PENDING）、after（后加签，本人办理后加签人须签署，流程才继续）、parallel（并行会签，两人都签署后流程才继续）。本环节的审批结论以本环节办理人的为准，加签人的意见记入本环节审批意见。写审计 task.add-signer、历史 task.signer-added，通知加签人和申请人。给自己加签 422 ADD_SIGNER_SELF；用户不存在或已停用 422 ADD_SIGNER_UNKNOWN；申请人或职责分离不允许办理本环节的人 422 ADD_SIGNER_NOT_ALLOWED；已向此人加签且未签 409 ADD_SIGNER_DUPLICATE；加签人的任务再加签 409 ADD_SIGNER_NESTED；非本任务办理人 403 NOT_CANDIDATE；任务已被他人认领 409 TASK_CLAIMED。拒绝时不做任何修改。',
          tags,
          parameters: [id],
          requestBody: jsonBody(obj({ userId: str('加签人用户 id'), mode: str('加签方式', { enum: ['before', 'after', 'parallel'] }), comment: str('加签说明', { maxLength: 1000 }) }, ['userId', 'mode'])),
          responses: {
            201: ok(obj({ taskId: str(), userId: str(), mode: str(), signerTask: obj({ id: str(), name: str(), assignee: str(), status: str() }), instance: anyObject, nextTasks: arr(anyObject) })),
          },
        },
        [400, 403, 404, 409, 422],
      ),
    },
    '/api/me/substitute': {
      get: signedIn({
        summary: '我的委托：本人当前（或已安排）的被委托人，以及本人此刻代谁办理',
        tags: ['tasks'],
        responses: { 200: ok(obj({ substitute: substitution, actingFor: arr(substitution) })) },
      }),
      put: signedIn(
        {
          summary: '委托/代理：外出期间（from 至 to）本人的已分配和候选待办同时送达被委托人，由其“代 X 办理”',
          description:
            'from/to 为日期（YYYY-MM-DD，北京时间；from 当日零时起，to 当日结束止）或 ISO 8601 时间；每人只有一项有效委托，再次设置即替换。被委托人办理时职责分离同样适用于其本人；办理记录为“代 X 办理”（审批意见、审批单）。写审计 substitute.set。委托给自己 422 SUBSTITUTE_SELF；用户不存在或已停用 422 SUBSTITUTE_UNKNOWN；期限无效（结束不晚于开始、已过期、超过 180 天）422 SUBSTITUTE_PERIOD。监察室可在 GET /api/substitutes 查看全部委托。',
          tags: ['tasks'],
          requestBody: jsonBody(obj({ userId: str('被委托人用户 id'), from: str('开始日期或时间'), to: str('结束日期或时间') }, ['userId', 'from', 'to'])),
          responses: { 200: ok(substitution) },
        },
        [400, 422],
      ),
      delete: signedIn({ summary: '取消本人的委托（写审计 substitute.clear）；没有委托 404 SUBSTITUTE_NOT_FOUND', tags: ['tasks'], responses: { 204: { description: '已取消' } } }, [404]),
    },
    '/api/substitutes': {
      get: signedIn({
        summary: '全部委托（监察室）：谁在何时委托谁代为办理；active=true 只列有效和已安排的',
        tags: ['supervision'],
        parameters: [h.param('active', '只列有效和已安排的委托（true）', { type: 'boolean' }), ...h.paging],
        responses: { 200: ok(h.list(substitution)) },
      }),
    },
  };
}
