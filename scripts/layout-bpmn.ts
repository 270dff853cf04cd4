/**
 * (Re)generates the diagram interchange (DI) of BPMN files so that they open cleanly in bpmn.io /
 * Camunda Modeler: every flow node gets a shape and every sequence flow an edge, laid out left to
 * right on a grid. The semantic part of the file (ids, names, camunda:* attributes, conditions) is
 * kept as written; <bpmn:incoming>/<bpmn:outgoing> are recomputed from the sequence flows.
 *
 * Why not bpmn-auto-layout: it puts rejection branches on the main row and draws every loop back
 * along the same line, which is unreadable for approval procedures with several "return to the
 * applicant" flows. This layout keeps the main path (each node's first outgoing flow in document
 * order) on one row, puts branches on rows below, and routes edges through the empty corridors
 * between rows and columns, each edge in its own lane, so no edge runs through a shape.
 *
 * The result is checked before it is written (complete DI, no overlapping shapes, left to right);
 * a file that fails is left unchanged and the script exits 1.
 *
 * Usage: npx tsx scripts/layout-bpmn.ts [processes/x.bpmn …]   (default: every processes/*.bpmn)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SIZE: Record<string, { w: number; h: number }> = {
  task: { w: 100, h: 80 },
  gateway: { w: 50, h: 50 },
  event: { w: 36, h: 36 },
};
const GAP_X = 70; // corridor between columns
const ROW_PITCH = 150; // row centre to row centre
const LEFT = 160;
const TOP = 260;
const LANE = 8; // spacing of edges sharing a corridor

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Point {
  x: number;
  y: number;
}

function kindOf(type: string): keyof typeof SIZE {
  if (type.endsWith('Gateway')) return 'gateway';
  if (type.endsWith('Event')) return 'event';
  return 'task';
}

/**
 * Lays out one process in place (moddle objects): returns shapes and edge waypoints by element id.
 */
function layout(proc: any): { shapes: Map<string, Box>; edges: Map<string, Point[]>; labels: Map<string, Box> } {
  const elements: any[] = proc.flowElements ?? [];
  const flows = elements.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const nodes = elements.filter((e) => e.$type !== 'bpmn:SequenceFlow' && !e.$type.startsWith('bpmn:Data'));
  for (const n of nodes) {
    if (n.$type === 'bpmn:BoundaryEvent' || n.$type === 'bpmn:SubProcess') throw new Error(`layout does not handle ${n.$type} (${n.id})`);
  }
  const out = new Map<string, any[]>();
  for (const n of nodes) out.set(n.id, []);
  for (const f of flows) out.get(f.sourceRef.id)!.push(f);

  // Back edges: found by a depth-first walk from the start events, children in document order.
  const back = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const starts = nodes.filter((n) => n.$type === 'bpmn:StartEvent');
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const f of out.get(id)!) {
      const t = f.targetRef.id;
      if (state.get(t) === 'open') back.add(f.id);
      else if (!state.has(t)) visit(t);
    }
    state.set(id, 'done');
  };
  for (const s of starts) if (!state.has(s.id)) visit(s.id);
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);

  // Layers: longest path over forward edges.
  const layer = new Map<string, number>();
  const indeg = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const f of flows) if (!back.has(f.id)) indeg.set(f.targetRef.id, indeg.get(f.targetRef.id)! + 1);
  const queue = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const f of out.get(id)!) {
      if (back.has(f.id)) continue;
      const t = f.targetRef.id;
      layer.set(t, Math.max(layer.get(t) ?? 0, layer.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }

  // Rows: the first outgoing flow continues on its source's row, further branches go below.
  const row = new Map<string, number>();
  const taken = new Set<string>();
  // The straight run that follows a node (first outgoing flows into nodes not yet placed): a
  // branch goes on the first row where its whole run fits, so that it stays a straight line.
  const run = (id: string): number[] => {
    const layers = [layer.get(id)!];
    const seen = new Set([id]);
    let cur = id;
    for (;;) {
      const next = out.get(cur)!.find((f) => !back.has(f.id))?.targetRef.id;
      if (!next || row.has(next) || seen.has(next)) return layers;
      layers.push(layer.get(next)!);
      seen.add(next);
      cur = next;
    }
  };
  const place = (id: string, preferred: number) => {
    let r = preferred;
    const cells = run(id);
    while (cells.some((l) => taken.has(`${l}:${r}`))) r++;
    row.set(id, r);
    taken.add(`${layer.get(id)}:${r}`);
  };
  const walk = (id: string) => {
    let branch = 0;
    for (const f of out.get(id)!) {
      if (back.has(f.id)) continue;
      const t = f.targetRef.id;
      if (row.has(t)) continue;
      place(t, row.get(id)! + branch);
      branch++;
      walk(t);
    }
  };
  starts.forEach((s, i) => {
    if (!row.has(s.id)) {
      place(s.id, i);
      walk(s.id);
    }
  });
  for (const n of nodes) {
    if (!row.has(n.id)) {
      place(n.id, 0);
      walk(n.id);
    }
  }

  // Geometry.
  const layers = Math.max(...nodes.map((n) => layer.get(n.id)!)) + 1;
  const rows = Math.max(...nodes.map((n) => row.get(n.id)!)) + 1;
  const colWidth: number[] = Array(layers).fill(SIZE.event.w);
  for (const n of nodes) colWidth[layer.get(n.id)!] = Math.max(colWidth[layer.get(n.id)!], SIZE[kindOf(n.$type)].w);
  const colLeft: number[] = [];
  let x = LEFT;
  for (let l = 0; l < layers; l++) {
    colLeft.push(x);
    x += colWidth[l] + GAP_X;
  }
  const centreX = (l: number) => colLeft[l] + colWidth[l] / 2;
  const centreY = (r: number) => TOP + r * ROW_PITCH;
  const shapes = new Map<string, Box>();
  for (const n of nodes) {
    const s = SIZE[kindOf(n.$type)];
    const l = layer.get(n.id)!;
    const r = row.get(n.id)!;
    shapes.set(n.id, { id: n.id, x: Math.round(centreX(l) - s.w / 2), y: Math.round(centreY(r) - s.h / 2), width: s.w, height: s.h });
  }
  const occupied = (l: number, r: number) => taken.has(`${l}:${r}`);
  /** Whether rows from..to-1 of column l are empty. */
  const clearColumn = (l: number, from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i).every((r) => !occupied(l, r));

  // Corridor lanes: each edge that uses a corridor gets its own offset in it.
  const laneCount = new Map<string, number>();
  const lane = (key: string) => {
    const k = laneCount.get(key) ?? 0;
    laneCount.set(key, k + 1);
    return k;
  };
  const gapX = (l: number, k: number) => colLeft[l] + colWidth[l] + GAP_X / 2 - 12 + ((k * LANE) % 32); // corridor right of column l
  const corridorY = (r: number, k: number) => centreY(r) + ROW_PITCH / 2 - 6 + ((k * LANE) % 40) - 12; // corridor below row r
  const bottomY = (k: number) => centreY(rows - 1) + ROW_PITCH / 2 + 10 + k * 14;
  const topY = (k: number) => TOP - 90 - k * 14;

  const edges = new Map<string, Point[]>();
  const labels = new Map<string, Box>();
  for (const f of flows) {
    const s = shapes.get(f.sourceRef.id)!;
    const t = shapes.get(f.targetRef.id)!;
    const ls = layer.get(f.sourceRef.id)!;
    const lt = layer.get(f.targetRef.id)!;
    const rs = row.get(f.sourceRef.id)!;
    const rt = row.get(f.targetRef.id)!;
    const sy = s.y + s.height / 2;
    const ty = t.y + t.height / 2;
    const sx = s.x + s.width / 2;
    const tx = t.x + t.width / 2;
    let pts: Point[];
    if (!back.has(f.id)) {
      const clearRow = rs === rt && Array.from({ length: lt - ls - 1 }, (_, i) => ls + 1 + i).every((l) => !occupied(l, rs));
      const clearBelow = rt > rs && Array.from({ length: rt - rs }, (_, i) => rs + 1 + i).every((r) => !occupied(ls, r));
      const clearAbove = rt < rs && Array.from({ length: rs - rt }, (_, i) => rt + i).every((r) => r === rs || !occupied(ls, r));
      if (clearRow) {
        pts = [
          { x: s.x + s.width, y: sy },
          { x: t.x, y: ty },
        ];
      } else if ((clearBelow || clearAbove) && kindOf(f.sourceRef.$type) === 'gateway' && lt === ls + 1) {
        // A gateway's branch to the next column: leave by the bottom (top), turn into the target.
        pts = [
          { x: sx, y: clearBelow ? s.y + s.height : s.y },
          { x: sx, y: ty },
          { x: t.x, y: ty },
        ];
      } else if (clearBelow && kindOf(f.sourceRef.$type) === 'gateway' && Array.from({ length: lt - ls - 1 }, (_, i) => ls + 1 + i).every((l) => !occupied(l, rt))) {
        pts = [
          { x: sx, y: s.y + s.height },
          { x: sx, y: ty },
          { x: t.x, y: ty },
        ];
      } else if (kindOf(f.sourceRef.$type) === 'gateway' && rt >= rs && clearColumn(ls, rs + 1, rt)) {
        // A gateway's branch that must pass other shapes: down into the corridor above the
        // target's row (below its own row when they share it), along it, into the target.
        const cr = rt === rs ? rs : rt - 1;
        const cy = corridorY(cr, lane(`h${cr}`));
        const x2 = gapX(lt - 1, lane(`v${lt - 1}`));
        pts = [
          { x: sx, y: s.y + s.height },
          { x: sx, y: cy },
          { x: x2, y: cy },
          { x: x2, y: ty },
          { x: t.x, y: ty },
        ];
      } else {
        const k = lane(`v${ls}`);
        const x1 = gapX(ls, k);
        const x2 = gapX(lt - 1, lane(`v${lt - 1}`));
        if (lt === ls + 1) {
          pts = [
            { x: s.x + s.width, y: sy },
            { x: x1, y: sy },
            { x: x1, y: ty },
            { x: t.x, y: ty },
          ];
        } else {
          const cr = rt > rs ? rt - 1 : rt; // corridor next to the target row, on the source's side
          const cy = rt === rs ? corridorY(rs, lane(`h${rs}`)) : corridorY(cr, lane(`h${cr}`));
          pts = [
            { x: s.x + s.width, y: sy },
            { x: x1, y: sy },
            { x: x1, y: cy },
            { x: x2, y: cy },
            { x: x2, y: ty },
            { x: t.x, y: ty },
          ];
        }
      }
    } else {
      // Back edges run above the first row when both ends are free upwards (the usual case: a
      // review on the main path returns to an earlier step), otherwise below all rows; each on
      // its own line.
      const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
      const aboveFree = (l: number, r: number) => range(0, r).every((rr) => !occupied(l, rr));
      const belowFree = (l: number, r: number) => range(r + 1, rows).every((rr) => !occupied(l, rr));
      if (rs === 0 && aboveFree(lt, rt)) {
        const y = topY(lane('top'));
        pts = [
          { x: sx, y: s.y },
          { x: sx, y },
          { x: tx, y },
          { x: tx, y: t.y },
        ];
      } else {
        const y = bottomY(lane('bottom'));
        const start: Point[] = belowFree(ls, rs)
          ? [{ x: sx, y: s.y + s.height }, { x: sx, y }]
          : [{ x: s.x + s.width, y: sy }, { x: gapX(ls, lane(`v${ls}`)), y: sy }, { x: gapX(ls, laneCount.get(`v${ls}`)! - 1), y }];
        const end: Point[] = belowFree(lt, rt)
          ? [{ x: tx, y }, { x: tx, y: t.y + t.height }]
          : [{ x: gapX(lt - 1, lane(`v${lt - 1}`)), y }, { x: gapX(lt - 1, laneCount.get(`v${lt - 1}`)! - 1), y: ty }, { x: t.x, y: ty }];
        pts = [...start, ...end];
      }
    }
    pts = pts.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
    edges.set(f.id, pts.filter((p, i) => i === 0 || p.x !== pts[i - 1].x || p.y !== pts[i - 1].y));
    if (f.name) {
      const wp = edges.get(f.id)!;
      // Beside the first segment long enough to carry it: above it when it leaves the source
      // horizontally, below it when it runs along a corridor (clear of the shapes above), right
      // of it when vertical (clear of the gateway's own name, which sits above and to the left).
      let i = 0;
      while (i < wp.length - 2 && Math.abs(wp[i + 1].x - wp[i].x) + Math.abs(wp[i + 1].y - wp[i].y) < 40) i++;
      const [a, b] = [wp[i], wp[i + 1]];
      const width = Math.max(28, [...f.name].length * 12);
      const box =
        a.y === b.y
          ? { id: f.id, x: Math.min(a.x, b.x) + 6, y: i === 0 ? a.y - 20 : a.y + 4, width, height: 14 }
          : { id: f.id, x: a.x + 6, y: b.y < a.y ? a.y - 48 : a.y + 8, width, height: 14 };
      labels.set(f.id, box);
    }
  }
  for (const n of nodes) {
    const k = kindOf(n.$type);
    if (k === 'task' || !n.name) continue;
    const s = shapes.get(n.id)!;
    const width = 80;
    const height = [...n.name].length > 6 ? 27 : 14;
    // Events carry their name below, as bpmn-js does; gateways above and to the left, where no
    // flow leaves them (branches leave right, down, and up for returns).
    const box =
      k === 'gateway'
        ? { id: n.id, x: Math.round(s.x + s.width / 2 - 6 - width), y: s.y - height - 2, width, height }
        : { id: n.id, x: Math.round(s.x + s.width / 2 - 45), y: s.y + s.height + 5, width: 90, height };
    labels.set(n.id, box);
  }
  return { shapes, edges, labels };
}

/** Rewrites the DI of one BPMN document; returns the new XML. */
export async function relayout(xml: string): Promise<string> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement: defs } = await moddle.fromXML(xml);
  const d = defs as any;
  const proc = d.rootElements.find((r: any) => r.$type === 'bpmn:Process' && r.isExecutable) ?? d.rootElements.find((r: any) => r.$type === 'bpmn:Process');
  const elements: any[] = proc.flowElements ?? [];
  const nodes = elements.filter((e) => e.$type !== 'bpmn:SequenceFlow' && !e.$type.startsWith('bpmn:Data'));
  for (const n of nodes) {
    n.incoming = [];
    n.outgoing = [];
  }
  for (const f of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) {
    f.sourceRef.outgoing.push(f);
    f.targetRef.incoming.push(f);
  }
  const { shapes, edges, labels } = layout(proc);
  const bounds = (b: Box) => moddle.create('dc:Bounds', { x: b.x, y: b.y, width: b.width, height: b.height });
  const label = (id: string) => (labels.has(id) ? { label: moddle.create('bpmndi:BPMNLabel', { bounds: bounds(labels.get(id)!) }) } : {});
  const planeElement: any[] = [];
  for (const n of nodes) {
    planeElement.push(
      moddle.create('bpmndi:BPMNShape', {
        id: `${n.id}_di`,
        bpmnElement: n,
        bounds: bounds(shapes.get(n.id)!),
        ...(n.$type === 'bpmn:ExclusiveGateway' && { isMarkerVisible: true }),
        ...label(n.id),
      }),
    );
  }
  for (const f of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) {
    planeElement.push(
      moddle.create('bpmndi:BPMNEdge', {
        id: `${f.id}_di`,
        bpmnElement: f,
        waypoint: edges.get(f.id)!.map((p) => moddle.create('dc:Point', p)),
        ...label(f.id),
      }),
    );
  }
  const plane = moddle.create('bpmndi:BPMNPlane', { id: `BPMNPlane_${proc.id}`, bpmnElement: proc, planeElement });
  d.diagrams = [moddle.create('bpmndi:BPMNDiagram', { id: `BPMNDiagram_${proc.id}`, plane })];
  const { xml: out } = await moddle.toXML(d, { format: true });
  return out.endsWith('\n') ? out : out + '\n';
}

/**
 * Problems with a laid-out file: missing shapes or edges, overlapping shapes, shapes left of the
 * start events.
 */
export async function diagramProblems(xml: string): Promise<string[]> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement: defs } = await moddle.fromXML(xml);
  const problems: string[] = [];
  const proc = (defs as any).rootElements.find((r: any) => r.$type === 'bpmn:Process');
  const plane = (defs as any).diagrams?.[0]?.plane;
  if (!plane) return ['no BPMNDiagram/BPMNPlane'];
  const shapes = new Map<string, Box>();
  const edges = new Map<string, Point[]>();
  for (const el of plane.planeElement ?? []) {
    const id = el.bpmnElement?.id;
    if (el.$type === 'bpmndi:BPMNShape') shapes.set(id, { id, ...el.bounds });
    if (el.$type === 'bpmndi:BPMNEdge') edges.set(id, el.waypoint ?? []);
  }
  const flows = (proc.flowElements ?? []).filter((e: any) => e.$type === 'bpmn:SequenceFlow');
  const nodes = (proc.flowElements ?? []).filter((e: any) => e.$type !== 'bpmn:SequenceFlow' && !e.$type.startsWith('bpmn:Data'));
  for (const n of nodes) if (!shapes.has(n.id)) problems.push(`no shape for ${n.id}`);
  for (const f of flows) if ((edges.get(f.id)?.length ?? 0) < 2) problems.push(`no edge for ${f.id}`);
  const boxes = [...shapes.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) problems.push(`shapes overlap: ${a.id} and ${b.id}`);
    }
  }
  const starts = nodes.filter((n: any) => n.$type === 'bpmn:StartEvent').map((n: any) => shapes.get(n.id)).filter(Boolean) as Box[];
  const minStart = Math.min(...starts.map((s) => s.x));
  for (const b of boxes) if (b.x < minStart) problems.push(`${b.id} lies left of the start event`);
  return problems;
}

async function layoutFile(file: string): Promise<boolean> {
  const laidOut = await relayout(fs.readFileSync(file, 'utf8'));
  const problems = await diagramProblems(laidOut);
  if (problems.length) {
    console.error(`${path.relative(root, file)}: layout rejected\n  ${problems.join('\n  ')}`);
    return false;
  }
  fs.writeFileSync(file, laidOut);
  console.log(`${path.relative(root, file)}: laid out`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = path.join(root, 'processes');
  const files = args.length ? args.map((a) => path.resolve(a)) : fs.readdirSync(dir).filter((f) => f.endsWith('.bpmn')).map((f) => path.join(dir, f));
  let ok = true;
  for (const f of files) ok = (await layoutFile(f)) && ok;
  process.exit(ok ? 0 : 1);
}
