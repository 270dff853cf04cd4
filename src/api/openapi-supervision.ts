import type { Op, OpenApiHelpers } from './openapi-helpers.ts';
import { monitoringRulePaths } from './openapi-monitoring-rules.ts';

/** The OpenAPI description of the supervision routes (src/api/supervision.ts). */
export function supervisionPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, anyObject, ok, jsonBody, param, pathParam, paging, list, pagedHeaders, signedIn } = h;
  const tags = ['supervision'];
  const period = [param('from', '起始日期（北京时间，含），如 2026-11-01'), param('to', '截止日期（含），如 2026-11-30')];
  const items = (item: Record<string, unknown>) => obj({ items: arr(item) });
  const notification = obj({ id: str(), kind: str('task.yellow | task.red | case.red | logins.short | upload.missing'), level: str('info | yellow | red'), title: str(), body: str(), taskId: str(), instanceId: str(), createdAt: time(), readAt: time() });
  const upload = obj({ id: str(), month: str(), schema: str(), sha256: str(), operations: { type: 'integer' }, trigger: str('job | manual'), createdBy: str(), createdAt: time(), uploadedAt: time(), uploadedBy: str(), receipt: str() });
  const figures = { handled: { type: 'integer' }, onTime: { type: 'integer' }, yellow: { type: 'integer' }, red: { type: 'integer' }, avgWorkdays: { type: 'number', nullable: true }, openOverdue: { type: 'integer' }, reminded: { type: 'integer', description: '被催办次数（本人已认领任务的催办）' }, accountability: { type: 'integer' } };
  return {
    // Monitoring rules and their warnings (issue 18, items 2-3).
    ...monitoringRulePaths(h),
    '/api/notifications': {
      get: signedIn({
        summary: '我的通知（预警、登录不足、未上传等）',
        tags,
        parameters: [param('unread', '只看未读', { type: 'boolean' }), ...paging],
        responses: { 200: { ...ok(obj({ ...(list(notification).properties as object), unread: { type: 'integer' } })), headers: pagedHeaders } },
      }, [400]),
    },
    '/api/notifications/read': {
      post: signedIn({ summary: '标记通知为已读（不给 ids 则全部）', tags, requestBody: jsonBody(obj({ ids: arr(str()) }), false), responses: { 200: ok(obj({ updated: { type: 'integer' } })) } }, [400, 413, 415]),
    },
    '/api/compliance/logins': {
      get: signedIn({
        summary: '每周登录情况（第五条：监察室每周不少于 3 次，联络员每周至少 1 次；监察室）',
        tags,
        parameters: [param('week', 'ISO 周，如 2026-W48；默认本周')],
        responses: { 200: ok(obj({ week: str(), from: time(), to: time(), lines: arr(obj({ userId: str(), displayName: str(), role: str('supervision | contact'), unitId: str(), unitName: str(), logins: { type: 'integer' }, required: { type: 'integer' }, ok: { type: 'boolean' }, exempt: { type: 'boolean', description: '账号在本周开始后才建立：本周不计' } })) })) },
      }, [400]),
    },
    '/api/compliance/report': {
      get: signedIn({
        summary: '合规报告：逐条对照办法第三、四、五、六、七、八、九、十、十一、十三条（监察室）',
        tags,
        parameters: period,
        responses: { 200: ok(obj({ period: obj({ from: str(), to: str() }), generatedAt: time(), articles: arr(obj({ article: { type: 'integer' }, title: str(), status: str('ok | attention | info'), findings: arr(obj({ status: str(), text: str() })) })) })) },
      }, [400]),
    },
    '/api/stats': {
      get: signedIn({
        summary: '考核统计：按人员和单位（监察室看全部，处室负责人看本单位）',
        tags,
        parameters: period,
        responses: { 200: ok(obj({ from: time(), to: time(), people: arr(obj({ userId: str(), displayName: str(), unitId: str(), ...figures })), units: arr(obj({ unitId: str(), unitName: str(), ...figures })) })) },
      }, [400]),
    },
    '/api/stats.csv': {
      get: signedIn({ summary: '考核统计 CSV 下载（UTF-8 BOM）', tags, parameters: period, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: str() } } } } }, [400]),
    },
    '/api/case-warnings': {
      get: signedIn({ summary: '权力事项办件预警（承诺时限）与自动追责（监察室）', tags, responses: { 200: ok(items(obj({ instanceId: str(), itemCode: str(), level: str('yellow | red'), dueAt: time(), accountabilityQueuedAt: time() }))) } }),
    },
    '/api/project-warnings': {
      get: signedIn({ summary: '自建工程风险预警及证据（化整为零、验收后签证、超合同金额支付、未按月报告；监察室）', tags, responses: { 200: ok(items(obj({ id: str(), projectId: str(), instanceId: str(), kind: str('split-contract | change-after-acceptance | overpayment | missed-report'), text: str(), evidence: anyObject, createdAt: time() }))) } }),
    },
    '/api/accountability-suggestions': {
      get: signedIn({ summary: '疑似账号共用线索（第十三条第三项，待监察室确认）', tags, parameters: [param('status', 'open | confirmed | dismissed')], responses: { 200: ok(items(anyObject)) } }, [400]),
    },
    '/api/accountability-suggestions/{id}/confirm': {
      post: signedIn({ summary: '确认线索并启动责任追究流程', tags, parameters: [pathParam('id', '线索编号')], requestBody: jsonBody(obj({ facts: str() }), false), responses: { 200: ok(obj({ suggestionId: str(), instanceId: str() })) } }, [400, 404, 409, 413, 415, 422]),
    },
    '/api/accountability-suggestions/{id}/dismiss': {
      post: signedIn({ summary: '排除线索', tags, parameters: [pathParam('id', '线索编号')], requestBody: jsonBody(obj({ reason: str() }, ['reason'])), responses: { 200: ok(obj({ suggestionId: str(), status: str() })) } }, [400, 404, 409, 413, 415]),
    },
    '/api/provincial-uploads': {
      get: signedIn({ summary: '省平台数据包与上传记录（监察室、工程处）', tags, responses: { 200: ok(items(upload)) } }),
      post: signedIn({ summary: '生成某月数据包（工程处；默认上月）', tags, requestBody: jsonBody(obj({ month: str('2026-11') }), false), responses: { 201: ok(upload, '已生成') } }, [400, 413, 415]),
    },
    '/api/provincial-uploads/{id}/package': {
      get: signedIn({ summary: '下载数据包（manifest + package，X-Manifest-SHA256）', tags, parameters: [pathParam('id', '数据包编号')], responses: { 200: ok(anyObject) } }, [404]),
    },
    '/api/provincial-uploads/{id}/uploaded': {
      post: signedIn({ summary: '登记已上传到省平台（工程处，附回执编号）', tags, parameters: [pathParam('id', '数据包编号')], requestBody: jsonBody(obj({ receipt: str() }, ['receipt'])), responses: { 200: ok(upload) } }, [400, 404, 409, 413, 415]),
    },
    '/api/district-exchange/imports': {
      get: signedIn({ summary: '辖市（区）交换文件导入记录（监察室）', tags, responses: { 200: ok(items(anyObject)) } }),
      post: signedIn({
        summary: '导入辖市（区）交换文件：校验和与签名验证通过才导入，重复导入不改变任何数据（监察室）',
        tags,
        requestBody: jsonBody(obj({ file: str('交换文件全文') }, ['file'])),
        responses: { 200: ok(anyObject, '此前已导入，未改变任何数据'), 201: ok(anyObject, '已导入') },
      }, [400, 413, 415]),
    },
    '/api/district-exchange/operations': {
      get: signedIn({ summary: '已导入的辖市（区）权力运行情况（监察室）', tags, parameters: [param('district', '单位编号')], responses: { 200: ok(items(anyObject)) } }, [400]),
    },
    '/api/district-exchange/keys': {
      get: signedIn({ summary: '辖市（区）签名公钥（监察室）', tags, responses: { 200: ok(items(anyObject)) } }),
      post: signedIn({
        summary: '登记辖市（区）公钥；不给公钥则生成密钥对并一次性返回私钥（监察室）',
        tags,
        requestBody: jsonBody(obj({ districtId: str(), keyId: str(), publicKey: str('SPKI PEM') }, ['districtId'])),
        responses: { 201: ok(obj({ keyId: str(), districtId: str(), privateKeyPem: str() })) },
      }, [400, 404, 409, 413, 415]),
    },
    '/api/district-exchange/exports': {
      post: signedIn({
        summary: '导出本单位一段时间的交换文件（辖市（区）报送员），以私钥签名',
        tags,
        requestBody: jsonBody(obj({ from: str(), to: str(), districtId: str(), keyId: str(), privateKeyPem: str() }, ['from', 'to', 'districtId', 'keyId', 'privateKeyPem'])),
        responses: { 200: ok(anyObject, '交换文件') },
      }, [400, 404, 413, 415]),
    },
  };
}
