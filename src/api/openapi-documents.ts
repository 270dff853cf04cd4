import { errorResponse, type Op, type OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of the printable documents (PDF) and the public complaint page's unit list. */
export function documentPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, arr, obj, ok, pathParam, signedIn, jsonBody, param, anyObject } = h;
  const tags = ['supervision'];
  const periodParam = param('period', '考核期间：月份 2026-11 或年度 2026（默认本月）');
  const unitParam = param('unit', '只看一个单位（监察室）；处室负责人只能看本单位');
  const change = obj({ id: str(), status: str('pending | approved | rejected'), proposal: anyObject, before: anyObject, baseVersion: { type: 'integer' }, requestedBy: str(), reason: str(), approvalInstanceId: str(), decidedBy: str(undefined, { nullable: true }), comment: str(undefined, { nullable: true }), requestedAt: str(), decidedAt: str(undefined, { nullable: true }) });
  const pdf = (description: string) => ({ description, content: { 'application/pdf': { schema: str(undefined, { format: 'binary' }) } } });
  return {
    '/api/appraisal/scheme': {
      get: signedIn({ summary: '现行考核评分方案（权重、扣分标准、版本）及待审批的变更', tags, responses: { 200: ok(anyObject) } }, [403]),
    },
    '/api/appraisal/scheme/changes': {
      get: signedIn({ summary: '考核评分方案的变更记录', tags, responses: { 200: ok(obj({ items: arr(change) })) } }, [403]),
      post: signedIn(
        {
          summary: '监察室提出评分方案变更（须经局纪委中提出人以外的人员审批后生效）：202 待审批',
          description: '各项权重为 0–100 的整数且合计 100，扣分标准为 0–100 的整数；填写有误 400 INVALID_SCHEME，已有待审批变更 409 SCHEME_CHANGE_PENDING，均不做任何修改。',
          tags,
          requestBody: jsonBody(obj({ weights: anyObject, deductions: anyObject, reason: str('变更理由') }, ['reason'])),
          responses: { 202: ok(obj({ changeId: str(), status: str(), approvalInstanceId: str(), summary: str() }), '待审批') },
        },
        [400, 403, 409],
      ),
    },
    '/api/appraisal/scheme/changes/{id}/approve': {
      post: signedIn({ summary: '局纪委成员（非提出人）同意评分方案变更，新方案立即生效', tags, parameters: [pathParam('id', '变更 id')], requestBody: jsonBody(obj({ comment: str() })), responses: { 200: ok(change) } }, [400, 403, 404, 409]),
    },
    '/api/appraisal/scheme/changes/{id}/reject': {
      post: signedIn({ summary: '局纪委成员（非提出人）不同意评分方案变更，方案保持不变', tags, parameters: [pathParam('id', '变更 id')], requestBody: jsonBody(obj({ comment: str() }, ['comment'])), responses: { 200: ok(change) } }, [400, 403, 404, 409]),
    },
    '/api/appraisal/sheets': {
      get: signedIn({ summary: '月度/年度绩效考核评分表（个人、单位），每项得分附扣分依据', tags, parameters: [periodParam, unitParam], responses: { 200: ok(anyObject) } }, [400, 403]),
    },
    '/api/appraisal/sheets.csv': {
      get: signedIn({ summary: '评分表 CSV（UTF-8 BOM）：评分及扣分依据', tags, parameters: [periodParam, unitParam], responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: str() } } } } }, [400, 403]),
    },
    '/api/appraisal/sheets.pdf': {
      get: signedIn({ summary: '评分表 PDF（A4 横向，内嵌中文字体）', tags, parameters: [periodParam, unitParam], responses: { 200: pdf('评分表 PDF') } }, [400, 403]),
    },
    '/api/power-items/{code}/flow-diagram': {
      get: { summary: '事项的权力运行流程图（现行流程版本、廉政风险点按等级、只含环节和布局的 BPMN XML）；无需登录，未登录时仅在用事项', tags: ['power-items'], security: [{}, { bearer: [] }, { cookie: [] }], parameters: [pathParam('code', '事项编码')], responses: { 200: ok(anyObject), 404: errorResponse('事项不存在或已停用（POWER_ITEM_NOT_FOUND）') } },
    },
    '/api/power-items/{code}/flow-diagram.pdf': {
      get: { summary: '权力运行流程图 PDF（A4 横向，内嵌中文字体）：事项信息、流程图（风险点按等级标注）、风险点及防控措施表；无需登录，未登录时仅在用事项', tags: ['power-items'], security: [{}, { bearer: [] }, { cookie: [] }], parameters: [pathParam('code', '事项编码')], responses: { 200: pdf('权力运行流程图 PDF'), 404: errorResponse('事项不存在或已停用（POWER_ITEM_NOT_FOUND）') } },
    },
    '/api/complaints/units': {
      get: {
        summary: '公众投诉页可选择的被投诉单位（无需登录；仅 id 和名称）',
        tags: ['complaints'],
        security: [],
        responses: { 200: ok(obj({ items: arr(obj({ id: str(), name: str() })) })) },
      },
    },
  };
}
