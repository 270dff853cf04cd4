/**
 * The BPMN of a published 权力运行流程图 (issue 18, item 1): what the public may see of a process —
 * its steps, flows, names and layout, and the 廉政风险点 (level, description, measures) — without
 * what runs it: candidate groups and users, assignees, form keys, handlers, conditions, scripts,
 * timers' expressions, documentation and annotations' text. Pure string work on the stored XML
 * (written by bpmn-moddle), no imports from src.
 */

/** Elements dropped with everything inside them (the process's working parts, internal notes). */
const DROPPED = [
  'conditionExpression',
  'script',
  'documentation',
  'resourceAssignmentExpression',
  'humanPerformer',
  'potentialOwner',
  'performer',
  'loopCardinality',
  'completionCondition',
  'timeDuration',
  'timeDate',
  'timeCycle',
  'ioSpecification',
  'dataInputAssociation',
  'dataOutputAssociation',
  'text',
];

/** The extension properties a published diagram keeps: the risk point as the viewer badges it. */
const KEPT_PROPERTIES = new Set(['riskLevel', 'riskDescription', 'riskMeasures']);

const element = (name: string) => new RegExp(`<((?:[\\w-]+:)?${name})\\b[^>]*?(?:/>|>[\\s\\S]*?</\\1\\s*>)`, 'g');

/** Only the risk properties of an extensionElements block, or nothing. */
function riskOnly(block: string): string {
  const props = [...block.matchAll(/<camunda:property\b[^>]*?\/>/g)]
    .map((m) => m[0])
    .filter((p) => KEPT_PROPERTIES.has(/\bname="([^"]*)"/.exec(p)?.[1] ?? ''));
  if (!props.length) return '';
  const prefix = /^<([\w-]+:)?extensionElements/.exec(block)?.[1] ?? '';
  return `<${prefix}extensionElements><camunda:properties>${props.join('')}</camunda:properties></${prefix}extensionElements>`;
}

/**
 * The XML with only what a published diagram shows. Attributes of vendor namespaces (camunda:…,
 * zeebe:…) go; namespace declarations and xsi:type stay so the document still parses.
 * Usage: `publicBpmnXml(definition.bpmnXml)`.
 */
export function publicBpmnXml(xml: string): string {
  let out = xml.replace(element('extensionElements'), (block) => riskOnly(block));
  for (const name of DROPPED) out = out.replace(element(name), '');
  out = out.replace(/\s(?!xmlns:|xsi:)[A-Za-z_][\w.-]*:[\w.-]+="[^"]*"/g, (attr) => (/^\s(bpmn|bpmndi|dc|di):/.test(attr) ? attr : ''));
  return out;
}
