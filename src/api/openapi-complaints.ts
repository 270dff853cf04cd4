import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of 投诉举报 (src/api/complaints.ts). */
export function complaintPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, ok, jsonBody, pathParam, signedIn, E, param } = h;
  const tags = ['complaints'];
  const status = obj({
    receipt: str('受理编号'),
    status: str('handling 核查中 | concluded 已办结', { enum: ['handling', 'concluded'] }),
    statusLabel: str(),
    submittedAt: time(),
    concludedAt: time(),
    finding: str('unfounded | founded | accountability', { nullable: true }),
    findingLabel: str(undefined, { nullable: true }),
    outcome: str('答复意见', { nullable: true }),
  });
  return {
    '/api/complaints': {
      post: {
        summary: '提交投诉举报（无需登录；未登录时每个地址每小时 5 件）',
        description: '登录时记为内部投诉（记录投诉人），未登录时为公众投诉。答复 201 {receipt}，凭受理编号查询办理结果。填写有误 422 VALIDATION_FAILED，过于频繁 429 COMPLAINT_RATE_LIMITED，均不做任何修改。',
        tags,
        security: [],
        requestBody: jsonBody(
          obj(
            { subject: str('事由（2–100 字）'), content: str('内容（10–5000 字）'), unitId: str('被投诉单位', { nullable: true }), contact: str('联系方式（选填，仅监察室可见）', { nullable: true }) },
            ['subject', 'content'],
          ),
        ),
        responses: { 201: ok(obj({ receipt: str() }), '已受理'), 400: E[400], 415: E[415], 422: E[422], 429: E[400] },
      },
      get: signedIn({ summary: '投诉举报列表（监察室）', tags, parameters: [param('status', 'handling | concluded')], responses: { 200: ok(obj({ items: arr(obj({})), total: { type: 'integer' } })) } }, [400, 403]),
    },
    '/api/complaints/{receipt}': {
      get: {
        summary: '凭受理编号查询办理状态和结果（无需登录；不含投诉内容）',
        tags,
        security: [],
        parameters: [pathParam('receipt', '受理编号')],
        responses: { 200: ok(status), 400: E[400], 404: E[404] },
      },
    },
  };
}
