import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of attachments (src/api/attachments.ts). */
export function attachmentPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, ok, pathParam, signedIn, E } = h;
  const tags = ['attachments'];
  const attachment = obj({
    id: str(),
    name: str('文件名'),
    size: { type: 'integer' },
    sha256: str('内容的 SHA-256（十六进制）'),
    contentType: str('按文件内容识别：application/pdf、application/ofd、DOCX、XLSX、image/jpeg、image/png'),
    uploadedBy: str(),
    uploadedAt: time(),
    instanceId: str('所属案件；提交前为 null', { nullable: true }),
    taskId: str('随哪个任务提交；随发起提交为 null', { nullable: true }),
  });
  const e = (code: number, description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }, 'x-code': code });
  return {
    '/api/attachments': {
      post: signedIn(
        {
          summary: '上传一个附件（multipart/form-data，一次一个文件）',
          description:
            '文件类型按内容识别（PDF、OFD、DOCX、XLSX、JPEG、PNG），其他一律 415 UNSUPPORTED_FILE_TYPE；超过大小上限 413；尚未提交的附件过多 409 ATTACHMENT_LIMIT；均不保存任何内容。上传后仅上传人可读；发起或办理时在变量（表单的 filepicker 字段）中引用 {id, name, size, sha256} 即归入该案件，此后与案件同样的人可读。附件不可删除（仅归档程序可以）。',
          tags,
          requestBody: { required: true, content: { 'multipart/form-data': { schema: obj({ file: str('文件', { format: 'binary' }) }, ['file']) } } },
          responses: { 201: ok(attachment, '已保存'), 409: e(409, 'ATTACHMENT_LIMIT'), 413: E[413], 415: e(415, '不支持的文件类型 UNSUPPORTED_FILE_TYPE，或请求不是 multipart') },
        },
        [400],
      ),
    },
    '/api/attachments/{id}': {
      get: signedIn(
        {
          summary: '下载附件（提交前仅上传人；之后与案件同样的人可读，否则 403 ATTACHMENT_FORBIDDEN）',
          tags,
          parameters: [pathParam('id', '附件编号')],
          responses: { 200: { description: '文件内容（Content-Disposition: attachment；ETag 为 SHA-256）', content: { 'application/octet-stream': { schema: str(undefined, { format: 'binary' }) } } } },
        },
        [404],
      ),
    },
    '/api/process-instances/{id}/attachments': {
      get: signedIn({ summary: '案件的附件（与案件同样的人可读）', tags, parameters: [pathParam('id', '流程实例 id')], responses: { 200: ok(obj({ items: arr(attachment) })) } }, [404]),
    },
  };
}
