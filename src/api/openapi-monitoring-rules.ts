import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of monitoring rules and rule warnings (src/api/monitoring-rules.ts). */
export function monitoringRulePaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, anyObject, ok, jsonBody, param, pathParam, signedIn } = h;
  const tags = ['supervision'];
  const rule = obj({
    id: str(),
    kind: str('step-time-limit | tier-edge | tier-distribution | tier-vs-dmn | same-person | returns | decision-changed | cancel-after-decision | after-hours | too-fast'),
    kindName: str(),
    name: str(),
    processKey: str(),
    elementId: str(undefined, { nullable: true }),
    level: str('yellow | red'),
    params: anyObject,
    enabled: { type: 'boolean' },
    version: { type: 'integer' },
    requestedBy: str(),
    approvedBy: str(),
    inactiveReason: str('不运行的原因（如尚无 DMN 裁量决策表）', { nullable: true }),
    pendingChangeId: str(undefined, { nullable: true }),
    createdAt: time(),
    updatedAt: time(),
  });
  const ruleBody = (required: string[]) =>
    jsonBody(
      obj(
        {
          kind: str('规则类型（新建时必填，不可更改）'),
          name: str(),
          processKey: str('适用流程'),
          elementId: str('适用环节（廉政风险点）；高风险环节限时必填'),
          level: str('yellow | red，默认 yellow'),
          params: anyObject,
          enabled: { type: 'boolean' },
          reason: str('变更理由（必填）'),
        },
        required,
      ),
    );
  const proposed = ok(obj({ changeId: str(), ruleId: str(), status: str('pending'), approvalInstanceId: str(), action: str('create | update') }), '已提交，待局纪委（提出人以外）审批后生效');
  const change = obj({ id: str(), ruleId: str(), action: str(), proposal: anyObject, before: anyObject, status: str('pending | approved | rejected'), requestedBy: str(), reason: str(), approvalInstanceId: str(), decidedBy: str(undefined, { nullable: true }), comment: str(undefined, { nullable: true }), requestedAt: time(), decidedAt: time() });
  const warning = obj({ id: str(), ruleId: str(), ruleName: str(), ruleKind: str(), level: str(), processKey: str(), instanceId: str(), elementId: str(), taskId: str(), unitId: str(), unitName: str(), people: arr(str()), evidence: anyObject, summary: str(), stage: str('raised | supervising | answered | yellow-card | red-card | closed'), outcome: str('rectified | false-alarm | filed', { nullable: true }), caseInstanceId: str('督办件（warning-rectification）'), createdAt: time(), answeredAt: time(), yellowCardAt: time(), redCardAt: time(), closedAt: time(), closedBy: str() });
  const count = obj({ key: str(), name: str(), total: { type: 'integer' }, open: { type: 'integer' }, yellowCard: { type: 'integer' }, redCard: { type: 'integer' }, answered: { type: 'integer' }, closed: { type: 'integer' }, rectified: { type: 'integer' }, falseAlarm: { type: 'integer' }, filed: { type: 'integer' } });
  return {
    '/api/monitoring-rules': {
      get: signedIn({ summary: '监察规则库（监察室、局纪委）', tags, responses: { 200: ok(obj({ items: arr(rule), kinds: arr(anyObject), stepNames: { ...anyObject, description: '各规则（及变更申请）所涉流程的环节名称：{流程: {环节 id: 环节名称}}' } })) } }),
      post: signedIn({ summary: '提出新建监察规则（监察室）：202，经局纪委提出人以外的人员同意后生效', tags, requestBody: ruleBody(['kind', 'processKey', 'reason']), responses: { 202: proposed } }, [400, 413, 415]),
    },
    '/api/monitoring-rules/{id}': {
      put: signedIn({ summary: '提出修改或停用监察规则（监察室）：202，审批同意前规则不变', tags, parameters: [pathParam('id', '规则编号')], requestBody: ruleBody(['reason']), responses: { 202: proposed } }, [400, 404, 409, 413, 415]),
    },
    '/api/monitoring-rule-changes': {
      get: signedIn({ summary: '监察规则变更申请', tags, parameters: [param('status', 'pending | approved | rejected')], responses: { 200: ok(obj({ items: arr(change) })) } }, [400]),
    },
    '/api/monitoring-rule-changes/{id}/approve': {
      post: signedIn({ summary: '同意规则变更（局纪委，提出人除外；变更立即生效）', tags, parameters: [pathParam('id', '变更编号')], requestBody: jsonBody(obj({ comment: str() }), false), responses: { 200: ok(change) } }, [400, 404, 409, 413, 415]),
    },
    '/api/monitoring-rule-changes/{id}/reject': {
      post: signedIn({ summary: '不同意规则变更（局纪委，提出人除外；comment 必填）', tags, parameters: [pathParam('id', '变更编号')], requestBody: jsonBody(obj({ comment: str() }, ['comment'])), responses: { 200: ok(change) } }, [400, 404, 409, 413, 415]),
    },
    '/api/rule-warnings': {
      get: signedIn({ summary: '监察规则预警及其督办情况（监察室、局纪委）', tags, parameters: [param('ruleId', '规则'), param('unitId', '责任单位'), param('stage', 'raised | supervising | answered | yellow-card | red-card | closed'), param('instanceId', '被监察的办件')], responses: { 200: ok(obj({ items: arr(warning) })) } }, [400]),
    },
    '/api/rule-warnings/summary': {
      get: signedIn({ summary: '预警按责任单位、按规则统计（督办中、黄牌、红牌、已整改、误报、立案）', tags, responses: { 200: ok(obj({ byUnit: arr(count), byRule: arr(count) })) } }),
    },
  };
}
