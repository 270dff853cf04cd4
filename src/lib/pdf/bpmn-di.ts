/**
 * The diagram interchange (BPMN DI) of a BPMN file read with plain patterns: each shape's bounds
 * and each edge's waypoints by the element they draw. Enough to redraw a 权力运行流程图 in a PDF.
 * Pure: no imports from src.
 * Usage: `const { shapes, edges } = readDi(xml)`.
 */

export interface DiShape {
  element: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DiEdge {
  element: string;
  points: Array<{ x: number; y: number }>;
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

export function readDi(xml: string): { shapes: DiShape[]; edges: DiEdge[] } {
  const shapes: DiShape[] = [];
  const edges: DiEdge[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?BPMNShape\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?BPMNShape>/g)) {
    const element = attr(m[1], 'bpmnElement');
    const bounds = /<(?:\w+:)?Bounds\b([^>]*)\/?>/.exec(m[2])?.[1];
    if (!element || !bounds) continue;
    const num = (k: string) => Number(attr(bounds, k) ?? NaN);
    const s = { element, x: num('x'), y: num('y'), width: num('width'), height: num('height') };
    if ([s.x, s.y, s.width, s.height].every(Number.isFinite)) shapes.push(s);
  }
  for (const m of xml.matchAll(/<(?:\w+:)?BPMNEdge\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?BPMNEdge>/g)) {
    const element = attr(m[1], 'bpmnElement');
    if (!element) continue;
    const points = [...m[2].matchAll(/<(?:\w+:)?waypoint\b([^>]*)\/?>/g)].map((w) => ({ x: Number(attr(w[1], 'x')), y: Number(attr(w[1], 'y')) })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (points.length >= 2) edges.push({ element, points });
  }
  return { shapes, edges };
}
