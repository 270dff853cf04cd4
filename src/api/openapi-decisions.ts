import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of DMN decision definitions (src/api/decisions.ts). */
export function decisionPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, ok, anyObject, param, pathParam, signedIn } = h;
  const tags = ['decision-definitions'];
  const decision = obj({
    id: str('key:version'),
    key: str('决策 id（DMN 文件中 decision 的 id）'),
    name: str(undefined, { nullable: true }),
    version: { type: 'integer' },
    resourceName: str('部署的 .dmn 文件名'),
    deploymentId: str(),
    deployedAt: time(),
    deployedBy: str(),
    hitPolicy: str('命中策略', { enum: ['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER'] }),
    aggregation: str('COLLECT 的聚合', { nullable: true, enum: ['SUM', 'MIN', 'MAX', 'COUNT', null] }),
    inputs: arr(obj({ label: str(undefined, { nullable: true }), expression: str('FEEL 输入表达式') })),
    outputs: arr(obj({ name: str(), label: str(undefined, { nullable: true }) })),
    rules: { type: 'integer', description: '规则条数' },
  });
  const keyParam = pathParam('key', '决策 id');
  return {
    '/api/decision-definitions': {
      get: signedIn(
        {
          summary: '决策表（DMN）：每个决策的最新版本',
          description: '决策表随 POST /api/deployments 与流程一同部署（.dmn 文件，经四眼审批后生效），按决策 id 分版本；内容未变的决策保留原版本。',
          tags,
          responses: { 200: ok(obj({ items: arr(decision), total: { type: 'integer' } })) },
        },
        [],
      ),
    },
    '/api/decision-definitions/{key}': {
      get: signedIn(
        { summary: '一个决策的各版本与最新版的决策表', tags, parameters: [keyParam], responses: { 200: ok(obj({ key: str(), name: str(undefined, { nullable: true }), latest: decision, versions: arr(decision), table: anyObject })) } },
        [404],
      ),
    },
    '/api/decision-definitions/{key}/xml': {
      get: signedIn(
        {
          summary: 'DMN 文件（最新版或 ?version=n）',
          tags,
          parameters: [keyParam, param('version', '版本号', { type: 'integer' })],
          responses: { 200: { description: 'DMN 1.3 XML', content: { 'application/xml': { schema: str() } } } },
        },
        [400, 404],
      ),
    },
  };
}
