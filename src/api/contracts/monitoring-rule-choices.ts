import { z } from 'zod';
import { contract, type ResponseOf } from '../contract.ts';

/** The monitoring rules a process owner may pick for a 廉政风险点 (issue 18), src/api/monitoring-rule-choices.ts. */

const Choice = z.object({
  id: z.string().meta({ description: '规则 id（写入环节的扩展属性 riskRule）' }),
  name: z.string().meta({ description: '规则名称' }),
  kind: z.string(),
  kindName: z.string().meta({ description: '规则类型名称，如 同一人连续审查' }),
  processKey: z.string().nullable(),
  elementId: z.string().nullable(),
  elementName: z.string().nullable().meta({ description: '所监控环节的名称（现行流程版本）' }),
  enabled: z.boolean(),
});

export const monitoringRuleChoices = contract({
  method: 'get',
  path: '/monitoring-rule-choices',
  summary: '可供廉政风险点选用的监察规则（流程管理员、监察室、局纪委）：名称、类型、监控环节，不含参数',
  tags: ['monitoring-rules'],
  query: z.object({ processKey: z.string().max(120).optional().meta({ description: '只列该流程的规则' }) }),
  responses: {
    200: {
      schema: z.object({
        items: z.array(Choice),
        kinds: z.array(z.object({ kind: z.string(), name: z.string() })).meta({ description: '规则类型及中文名称（旧流程文件中按类型编号写的监控规则据此显示）' }),
      }),
    },
  },
  errors: { 403: '不是流程管理员、监察室或局纪委成员（FORBIDDEN）' },
});

export const monitoringRuleChoiceContracts = [monitoringRuleChoices];

export type RuleChoicesBody = ResponseOf<typeof monitoringRuleChoices>;
