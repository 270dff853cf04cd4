import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of 加签, 委托, 收回, 申请撤回 and notification settings (src/api/case-routing.ts and friends). */
export function caseRoutingPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, arr, obj, anyObject, ok, jsonBody, pathParam, signedIn } = h;
  const tags = ['tasks'];
  const id = pathParam('id', '任务 id');
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
  };
}
