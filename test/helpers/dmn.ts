/** A DMN 1.3 decision table, as Camunda Modeler writes it (for tests). */
export interface TableSpec {
  id: string;
  name?: string;
  hitPolicy?: string;
  aggregation?: string;
  inputs: string[]; // input expressions
  outputs: Array<string | { name: string; values?: string }>;
  rules: Array<{ in: string[]; out: string[] }>;
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function decisionTable(t: TableSpec): string {
  const attrs = `${t.hitPolicy ? ` hitPolicy="${t.hitPolicy}"` : ''}${t.aggregation ? ` aggregation="${t.aggregation}"` : ''}`;
  const inputs = t.inputs.map((e, i) => `<input id="${t.id}_in${i}" label="${esc(e)}"><inputExpression id="${t.id}_ie${i}" typeRef="string"><text>${esc(e)}</text></inputExpression></input>`).join('');
  const outputs = t.outputs
    .map((o, i) => {
      const name = typeof o === 'string' ? o : o.name;
      const values = typeof o === 'string' || !o.values ? '' : `<outputValues id="${t.id}_ov${i}"><text>${esc(o.values)}</text></outputValues>`;
      return `<output id="${t.id}_out${i}" name="${name}" label="${name}">${values}</output>`;
    })
    .join('');
  const rules = t.rules
    .map(
      (r, n) =>
        `<rule id="${t.id}_r${n + 1}">${r.in.map((e, i) => `<inputEntry id="${t.id}_r${n + 1}i${i}"><text>${esc(e)}</text></inputEntry>`).join('')}${r.out
          .map((e, i) => `<outputEntry id="${t.id}_r${n + 1}o${i}"><text>${esc(e)}</text></outputEntry>`)
          .join('')}</rule>`,
    )
    .join('');
  return `<decision id="${t.id}" name="${t.name ?? t.id}"><decisionTable id="${t.id}_table"${attrs}>${inputs}${outputs}${rules}</decisionTable></decision>`;
}

export function dmn(...decisions: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="defs" name="决策" namespace="http://camunda.org/schema/1.0/dmn">
${decisions.join('\n')}
</definitions>`;
}
