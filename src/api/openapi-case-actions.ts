import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of the routing actions on a case (src/api/case-actions.ts, batch in tasks.ts). */
export function caseActionPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, anyObject, ok, jsonBody, pathParam, paging, list, signedIn } = h;
  const tags = ['tasks'];
  const id = pathParam('id', '任务 id');
  const taskRef = obj({ id: str(), elementId: str(), name: str(undefined, { nullable: true }) });
  return {
    '/api/tasks/{id}/return': {
      post: signedIn(
        {
          summary: '退回：把案件退回到本案已办理过的前序环节或申请人环节（流程实例修改，不是流程图中的回路）',
          description:
            '可退回的环节见 GET /api/tasks/{id} 的 returnTargets（流程可用 camunda:properties returnTargets 限定）。本任务取消，目标环节重新开始；写审计 task.return、历史 task.returned，并通知申请人和该环节上次的办理人。目标不在列表中 422 RETURN_TARGET_INVALID；无权办理 403；任务已办结 409。拒绝时不做任何修改。',
          tags,
          parameters: [id],
          requestBody: jsonBody(obj({ targetElementId: str('目标环节 id'), comment: str('退回理由（必填）', { maxLength: 1000 }) }, ['targetElementId', 'comment'])),
          responses: { 200: ok(obj({ instance: anyObject, nextTasks: arr(anyObject), tasks: arr(taskRef) })) },
        },
        [400, 404, 409, 422],
      ),
    },
    '/api/process-instances/{id}/withdraw': {
      post: signedIn(
        {
          summary: '撤回：申请人在尚无人办理（无已办结环节、无人认领）时撤回本申请',
          description: '实例取消，写审计 process.withdraw、历史 case.withdrawn，通知当前环节的办理人。非申请人 403 NOT_APPLICANT；已有人办理 409 WITHDRAW_TOO_LATE（此时请在当前环节申请撤回）；已结束 409 INSTANCE_ENDED。',
          tags: ['process-instances'],
          parameters: [pathParam('id', '流程实例 id')],
          requestBody: jsonBody(obj({ reason: str('撤回原因（必填）', { maxLength: 1000 }) }, ['reason'])),
          responses: { 200: ok(anyObject) },
        },
        [400, 404, 409, 422],
      ),
    },
    '/api/tasks/{id}/cc': {
      post: signedIn(
        {
          summary: '抄送：本环节办理人把案件抄送给他人知悉（只读）',
          description: '被抄送人可在 GET /api/cc 查看并打开案件（只读）；写审计 case.cc、历史 case.cc 并通知。重复抄送同一人不再发送。用户不存在或为本人 422；非本环节办理人 403 NOT_CANDIDATE。',
          tags,
          parameters: [id],
          requestBody: jsonBody(obj({ userIds: arr(str()), comment: str(undefined, { maxLength: 500 }) }, ['userIds'])),
          responses: { 201: ok(obj({ taskId: str(), instanceId: str(), copied: arr(str()) })) },
        },
        [400, 404, 409, 422],
      ),
    },
    '/api/cc': {
      get: signedIn({
        summary: '抄送我的（只读）',
        tags,
        parameters: paging,
        responses: {
          200: ok(
            list(
              obj({
                id: str(), instanceId: str(), taskId: str(undefined, { nullable: true }), caseNumber: str(undefined, { nullable: true }), subject: str(undefined, { nullable: true }),
                processKey: str(), status: str(), startedByName: str(undefined, { nullable: true }), by: str(), byName: str(undefined, { nullable: true }), comment: str(undefined, { nullable: true }), createdAt: time(),
              }),
            ),
          ),
        },
      }),
    },
  };
}
