import { z } from 'zod';
import { anyObject, contract, handDescribed, isoTime, pathParam, q, totalCountHeader, type ResponseOf } from '../contract.ts';

/** The power-item catalog (Art. 3), src/api/power-items.ts. */

const PowerItem = z
  .object({
    code: z.string(),
    name: z.string(),
    category: z.string(),
    unitId: z.string(),
    unitName: z.string().nullable(),
    legalBasis: z.string(),
    statutoryDays: z.number().int(),
    promisedDays: z.number().int(),
    discretion: z.unknown().meta({ description: '裁量基准（行政处罚）' }),
    processKey: z.string(),
    status: z.enum(['active', 'retired']),
    version: z.number().int(),
    createdAt: isoTime(),
    updatedAt: isoTime(),
    canStart: z.boolean().meta({ description: '本人能否发起' }),
    startFormKey: z.string().nullable(),
  })
  .meta({ id: 'PowerItem' });

const Version = z.looseObject({
  version: z.number().int(),
  changeType: z.string(),
  reason: z.string(),
  legalGround: z.string().nullable(),
  changedBy: z.string(),
  changedAt: isoTime(),
  instanceId: z.string().nullable(),
  approvals: z.array(z.looseObject({ step: z.string(), name: z.string().nullable(), by: z.string(), at: isoTime() })),
});

const codeParams = z.object({ code: pathParam('事项编码') });

export const powerItems = contract({
  method: 'get',
  path: '/power-items',
  summary: '权力事项目录（含本人能否发起、发起表单）',
  tags: ['power-items'],
  query: z.object({ status: q.oneOf('active | retired', ['active', 'retired']), category: q.str('类别，如 行政许可', 20), unit: q.str('责任单位 id', 60) }),
  responses: { 200: { schema: z.object({ items: z.array(PowerItem), total: z.number().int() }), headers: totalCountHeader } },
});

export const powerItem = contract({
  method: 'get',
  path: '/power-items/:code',
  summary: '一个权力事项及其历次版本（谁、为何、审批记录）',
  tags: ['power-items'],
  params: codeParams,
  responses: { 200: { schema: PowerItem.extend({ versions: z.array(Version) }) } },
  errors: { 404: '不在目录中（ITEM_NOT_FOUND）' },
});

export const startPowerItem = contract({
  method: 'post',
  path: '/power-items/:code/start',
  summary: '按目录事项绑定的流程发起办件（只能发起目录内、未取消的事项）',
  tags: ['power-items'],
  params: codeParams,
  body: z.object({ businessKey: z.string().max(200).optional(), variables: anyObject.optional() }),
  responses: { 201: { description: '已发起', schema: handDescribed('StartedInstance') } },
  errors: { 403: true, 404: true, 409: true, 422: true },
});

export const powerItemContracts = [powerItems, powerItem, startPowerItem];

export type PowerItemList = ResponseOf<typeof powerItems>;
export type PowerItemDetail = ResponseOf<typeof powerItem>;
