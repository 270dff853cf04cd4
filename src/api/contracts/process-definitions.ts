import { z } from 'zod';
import { anyObject, contract, handDescribed, pathParam, q } from '../contract.ts';

/** Process definitions: src/api/process-definitions.ts. */

const Definition = handDescribed('Definition');
/** The engines a version can be exported for (engine/export.ts). */
const EXPORT_TARGETS = ['camunda7', 'camunda8'] as const;
const keyParams = z.object({ key: pathParam('流程标识') });

export const definitionList = contract({
  method: 'get',
  path: '/process-definitions',
  summary: '各流程的最新版本（含本人能否发起）',
  tags: ['process-definitions'],
  responses: { 200: { schema: z.object({ items: z.array(Definition), total: z.number().int() }) } },
});

const RiskPoint = z.object({
  elementId: z.string(),
  elementName: z.string().nullable(),
  level: z.enum(['high', 'medium', 'low']).meta({ description: '廉政风险等级（高/中/低）' }),
  description: z.string().meta({ description: '风险描述' }),
  measures: z.string().nullable().meta({ description: '防控措施' }),
  rules: z.array(z.string()).meta({ description: '监控规则' }),
});

export const definitionGet = contract({
  method: 'get',
  path: '/process-definitions/:key',
  summary: '流程的所有版本',
  tags: ['process-definitions'],
  params: keyParams,
  responses: { 200: { schema: z.object({ key: z.string(), name: z.string().nullable(), latest: Definition, versions: z.array(Definition), riskPoints: z.array(RiskPoint.partial()) }) } },
  errors: { 404: true },
});

export const definitionXml = contract({
  method: 'get',
  path: '/process-definitions/:key/xml',
  summary: 'BPMN XML（最新版或 ?version=n）',
  tags: ['process-definitions'],
  params: keyParams,
  query: z.object({ version: q.int('版本号', 1, 1_000_000, 0) }),
  responses: { 200: { description: 'BPMN 2.0 XML', file: 'application/xml' } },
  errors: { 404: true },
});

export const definitionExport = contract({
  method: 'get',
  path: '/process-definitions/:key/versions/:version/export',
  summary: '导出某一版本供 Camunda 7 或 Camunda 8 使用（从模型写出 camunda: 或 zeebe: 属性）',
  tags: ['process-definitions'],
  description:
    '把平台从任一方言读到的含义（办理人、候选组/人、表单、期限、处理程序、调用的流程）按目标引擎的方言写出；其他方言的同义属性被移除，图形、条件、定时等原样保留。原样下载请用 /xml。',
  params: z.object({
    key: pathParam('流程标识'),
    version: z
      .string()
      .transform((v, ctx) => {
        if (/^\d{1,7}$/.test(v) && Number(v) > 0) return Number(v);
        ctx.addIssue({ code: 'custom', message: '应为正整数' });
        return z.NEVER;
      })
      .meta({ description: '版本号', jsonSchema: { type: 'integer', minimum: 1 } }),
  }),
  query: z.object({
    target: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v !== undefined && (EXPORT_TARGETS as readonly string[]).includes(v)) return v as (typeof EXPORT_TARGETS)[number];
        ctx.addIssue({ code: 'custom', message: v === undefined ? `必填，应为以下之一：${EXPORT_TARGETS.join(', ')}` : `应为以下之一：${EXPORT_TARGETS.join(', ')}` });
        return z.NEVER;
      })
      .meta({ description: '目标引擎', jsonSchema: { type: 'string', enum: [...EXPORT_TARGETS] } }),
  }),
  responses: { 200: { description: 'BPMN 2.0 XML（附件）', file: 'application/xml' } },
  errors: { 404: true },
});

export const startForm = contract({
  method: 'get',
  path: '/process-definitions/:key/start-form',
  summary: '发起表单',
  tags: ['process-definitions'],
  params: keyParams,
  responses: {
    200: {
      schema: z.object({
        processKey: z.string(),
        definitionId: z.string(),
        formKey: z.string().nullable(),
        form: handDescribed('Form'),
        formData: anyObject,
        executable: z.boolean(),
        canStart: z.boolean(),
      }),
    },
  },
  errors: { 404: true },
});

export const definitionStart = contract({
  method: 'post',
  path: '/process-definitions/:key/start',
  summary: '发起流程实例',
  tags: ['process-definitions'],
  description: '流程声明了 candidateStarterGroups/Users 时，只有其成员可以发起（403 NOT_STARTER）。非可执行流程（isExecutable="false"，已保存但不能发起）答 409 PROCESS_NOT_EXECUTABLE。',
  params: keyParams,
  body: z.object({ businessKey: z.string().max(200).optional(), variables: anyObject.optional() }),
  responses: { 201: { description: '已发起', schema: handDescribed('StartedInstance') } },
  errors: { 404: true, 409: true, 422: true },
});

export const processDefinitionContracts = [definitionList, definitionGet, definitionXml, definitionExport, startForm, definitionStart];
