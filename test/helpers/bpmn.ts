/**
 * Small inline BPMN for engine tests. `process(id, body)` wraps flow elements in a definitions
 * document with the camunda namespace; `flow(id, from, to, condition?)` writes a sequence flow.
 */
export function process(id: string, body: string, opts: { messages?: Record<string, string>; attrs?: string } = {}): string {
  const messages = Object.entries(opts.messages ?? {})
    .map(([mid, name]) => `<bpmn:message id="${mid}" name="${name}" />`)
    .join('\n  ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_${id}" targetNamespace="http://example.com/test">
  ${messages}
  <bpmn:process id="${id}" name="${id}" isExecutable="true" ${opts.attrs ?? ''}>
    ${body}
  </bpmn:process>
</bpmn:definitions>`;
}

export function flow(id: string, from: string, to: string, condition?: string): string {
  if (!condition) return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
  const escaped = condition.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escaped}</bpmn:conditionExpression></bpmn:sequenceFlow>`;
}

export function userTask(id: string, name: string, attrs = ''): string {
  return `<bpmn:userTask id="${id}" name="${name}" ${attrs} />`;
}
