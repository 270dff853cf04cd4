import { z } from 'zod';
import { contract, type ResponseOf } from '../contract.ts';

/** The public list of 权力运行流程图 (issue 18, item 1), src/api/documents.ts. */

const PublishedFlow = z.object({
  code: z.string().meta({ description: '事项编码' }),
  name: z.string(),
  category: z.string().meta({ description: '权力类别，如 行政处罚' }),
  unitName: z.string().nullable().meta({ description: '实施主体' }),
});

export const publishedFlows = contract({
  method: 'get',
  path: '/published-flows',
  summary: '公开的权力运行流程图目录：权力清单中在用的事项（无需登录）',
  description: '只列在用事项的编码、名称、类别和实施主体；每项的流程图见 GET /api/power-items/{code}/flow-diagram（及 .pdf），未登录时同样只公开在用事项，流程文件只含环节、连线、布局和廉政风险点，不含办理人、岗位、表单和条件。',
  tags: ['power-items'],
  access: 'optional',
  responses: { 200: { schema: z.object({ items: z.array(PublishedFlow) }) } },
});

export const publishedFlowContracts = [publishedFlows];

export type PublishedFlowsBody = ResponseOf<typeof publishedFlows>;
