import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of 加签, 委托, 收回, 申请撤回 and notification settings (src/api/case-routing.ts and friends). */
export function caseRoutingPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, arr, obj, anyObject, ok, jsonBody, pathParam, signedIn } = h;
  const tags = ['tasks'];
  const id = pathParam('id', '任务 id');
  const withdrawal = obj({
    id: str(), instanceId: str(), reason: str(), requestedBy: str(), requestedAt: h.time(), status: str(undefined, { enum: ['pending', 'approved', 'rejected', 'void'] }),
    decidedBy: str(undefined, { nullable: true }), decidedAt: h.time(), comment: str(undefined, { nullable: true }),
  });
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
    '/api/tasks/{id}/recall': {
      post: signedIn(
        {
          summary: '收回：上一环节的办理人在下一环节尚无人办理时收回案件，重新办理本环节',
          description:
            'id 为本人已办结的任务。条件：案件仍在办理，只有一件待办且是本人办理后产生的，无人认领（流程指定的办理人除外）、其后无人办理过。下一环节的任务取消，本环节重新开始并分配给本人。写审计 task.recall、历史 task.recalled，通知申请人和下一环节的人员。非本环节办理人 403 NOT_COMPLETER；已有人办理或已认领 409 RECALL_TOO_LATE；已结束 409 INSTANCE_ENDED。',
          tags,
          parameters: [id],
          responses: { 200: ok(obj({ instance: anyObject, nextTasks: arr(anyObject) })) },
        },
        [404, 409],
      ),
    },
    '/api/process-instances/{id}/withdraw-request': {
      post: signedIn(
        {
          summary: '申请撤回：已有人办理后，申请人申请撤回，由当前环节办理人决定',
          description: '写审计 process.withdraw-request、历史 case.withdraw-requested，通知当前环节人员。非申请人 403 NOT_APPLICANT；尚无人办理 409 WITHDRAW_NOT_NEEDED（请直接撤回）；已有待决定的申请 409 WITHDRAW_REQUEST_PENDING；已结束 409 INSTANCE_ENDED；未填原因 422。',
          tags: ['process-instances'],
          parameters: [pathParam('id', '流程实例 id')],
          requestBody: jsonBody(obj({ reason: str('撤回原因（必填）', { maxLength: 1000 }) }, ['reason'])),
          responses: { 201: ok(withdrawal) },
        },
        [400, 404, 409, 422],
      ),
    },
    '/api/process-instances/{id}/withdraw-requests': {
      get: signedIn({ summary: '本案的撤回申请（新的在前）', tags: ['process-instances'], parameters: [pathParam('id', '流程实例 id')], responses: { 200: ok(obj({ items: arr(withdrawal) })) } }, [404]),
    },
    '/api/withdraw-requests/{id}/decide': {
      post: signedIn(
        {
          summary: '当前环节办理人决定撤回申请：approve=true 同意（案件撤回），false 不同意（案件继续）',
          description: '写审计 process.withdraw-decide、历史 case.withdrawn 或 case.withdraw-rejected，通知申请人。非当前环节办理人（含职责分离不允许的）403 NOT_HANDLER；已处理 409 WITHDRAW_REQUEST_DECIDED；不存在 404 WITHDRAW_REQUEST_NOT_FOUND。',
          tags: ['process-instances'],
          parameters: [pathParam('id', '撤回申请 id')],
          requestBody: jsonBody(obj({ approve: { type: 'boolean' }, comment: str('意见', { maxLength: 1000 }) }, ['approve'])),
          responses: { 200: ok(withdrawal) },
        },
        [400, 404, 409],
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
