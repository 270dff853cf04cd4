import { errorResponse, type Op, type OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of the printable documents (PDF) and the public complaint page's unit list. */
export function documentPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, arr, obj, ok, pathParam, signedIn } = h;
  const pdf = (description: string) => ({ description, content: { 'application/pdf': { schema: str(undefined, { format: 'binary' }) } } });
  return {
    '/api/process-instances/{id}/approval-sheet.pdf': {
      get: signedIn(
        {
          summary: '审批单 PDF（A4，内嵌中文字体）：流水号、事由、申请人及单位、申请内容（表单标签）、各环节办理人/单位/结论/意见/时间、附件清单、核验码',
          description: '读取权限与该案件相同：无权 403 INSTANCE_FORBIDDEN，不存在 404 INSTANCE_NOT_FOUND；服务器缺少中文字体时 503 PDF_FONT_MISSING。',
          tags: ['process-instances'],
          parameters: [pathParam('id', '流程实例 id')],
          responses: { 200: pdf('审批单 PDF（Content-Disposition: attachment）'), 503: errorResponse('服务器缺少中文字体（PDF_FONT_MISSING）') },
        },
        [403, 404],
      ),
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
