/**
 * 廉政风险点 (integrity risk points) declared on BPMN flow nodes as Camunda extension properties:
 *
 *   <camunda:properties>
 *     <camunda:property name="riskLevel" value="高" />          高/中/低/无 or high/medium/low/none
 *     <camunda:property name="riskDescription" value="…" />    风险描述
 *     <camunda:property name="riskMeasures" value="…" />       防控措施
 *     <camunda:property name="riskRule" value="same-person" /> optional: monitoring rule(s) that watch it
 *   </camunda:properties>
 *
 * and a process-level property `powerFlow="true"` that marks a 权力运行流程 (every user task must
 * carry an assessment, "无" included). Camunda properties survive bpmn-moddle round trips and are
 * edited in the modeler's properties panel ("Extension properties"). Pure: no imports from src.
 */

export type RiskLevel = 'high' | 'medium' | 'low';

/** One risk point as the API shows it. */
export interface RiskPoint {
  elementId: string;
  elementName?: string;
  level: RiskLevel;
  description: string;
  measures: string;
  rules: string[];
}

/** What the risk lint needs of a flow node. */
export interface RiskNode {
  id: string;
  type: string;
  name?: string;
  properties: Record<string, string>;
}

const LEVELS: Record<string, RiskLevel | 'none'> = {
  高: 'high',
  high: 'high',
  中: 'medium',
  medium: 'medium',
  低: 'low',
  low: 'low',
  无: 'none',
  none: 'none',
};

/** Chinese label of a level, for UI and documents. Usage: `levelLabel('high') === '高'`. */
export function levelLabel(level: RiskLevel | 'none'): string {
  return { high: '高', medium: '中', low: '低', none: '无' }[level];
}

/** Whether the process-level properties mark a 权力运行流程. Usage: `isPowerFlow(model.properties)`. */
export function isPowerFlow(processProperties: Record<string, string>): boolean {
  return /^(true|是|yes)$/i.test((processProperties.powerFlow ?? '').trim());
}

/**
 * Reads the risk points of a process and every reason to refuse them (unknown level, a point
 * without description or measures, a user task of a power flow without an assessment).
 * Usage: `const { points, problems } = readRiskPoints(nodes, model.properties)`.
 */
export function readRiskPoints(
  nodes: Iterable<RiskNode>,
  processProperties: Record<string, string>,
): { points: RiskPoint[]; problems: Array<{ element: string; message: string }> } {
  const points: RiskPoint[] = [];
  const problems: Array<{ element: string; message: string }> = [];
  const power = isPowerFlow(processProperties);
  for (const n of nodes) {
    const label = n.name ? `${n.id}（${n.name}）` : n.id;
    const raw = n.properties.riskLevel?.trim();
    if (raw === undefined || raw === '') {
      if (power && n.type === 'bpmn:UserTask') {
        problems.push({ element: n.id, message: `权力运行流程的用户任务 ${label} 没有廉政风险评估：请设置扩展属性 riskLevel（高/中/低，无风险时填“无”）` });
      }
      continue;
    }
    const level = LEVELS[raw.toLowerCase()];
    if (!level) {
      problems.push({ element: n.id, message: `${label} 的廉政风险等级 "${raw}" 无效：应为 高、中、低 或 无` });
      continue;
    }
    if (level === 'none') continue;
    const description = (n.properties.riskDescription ?? '').trim();
    const measures = (n.properties.riskMeasures ?? '').trim();
    if (!description) problems.push({ element: n.id, message: `${label} 是${levelLabel(level)}风险点，但没有风险描述（riskDescription）` });
    if (!measures) problems.push({ element: n.id, message: `${label} 是${levelLabel(level)}风险点，但没有防控措施（riskMeasures）` });
    const rules = (n.properties.riskRule ?? '').split(/[,，\s]+/).filter(Boolean);
    points.push({ elementId: n.id, ...(n.name && { elementName: n.name }), level, description, measures, rules });
  }
  return { points, problems };
}
