import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { root } from '../helpers/procedures.ts';

/**
 * Process owners open processes/*.bpmn in bpmn.io / Camunda Modeler: each file must carry a
 * complete, left-to-right diagram and say in Chinese who does what within which time limit.
 */
const dir = path.join(root, 'processes');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bpmn')).sort();
const HAN = /\p{Script=Han}/u;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe('procedures: the BPMN files open cleanly in a modeler', () => {
  it('covers the six procedures of the regulation', () => {
    expect(files).to.include.members(['item-change.bpmn', 'user-role-change.bpmn', 'data-deletion.bpmn', 'fault-report.bpmn', 'accountability-review.bpmn', 'penalty-case.bpmn']);
  });

  for (const file of files) {
    describe(file, () => {
      let proc: any;
      let shapes: Map<string, Box>;
      let edges: Map<string, Array<{ x: number; y: number }>>;
      let nodes: any[];
      let flows: any[];

      before(async () => {
        const { rootElement, warnings } = await new BpmnModdle({ camunda }).fromXML(fs.readFileSync(path.join(dir, file), 'utf8'));
        expect(warnings).to.deep.equal([]);
        const defs = rootElement as any;
        proc = defs.rootElements.find((r: any) => r.$type === 'bpmn:Process');
        nodes = proc.flowElements.filter((e: any) => e.$type !== 'bpmn:SequenceFlow');
        flows = proc.flowElements.filter((e: any) => e.$type === 'bpmn:SequenceFlow');
        shapes = new Map();
        edges = new Map();
        expect(defs.diagrams, 'BPMNDiagram').to.have.length(1);
        expect(defs.diagrams[0].plane.bpmnElement).to.equal(proc);
        for (const el of defs.diagrams[0].plane.planeElement) {
          if (el.$type === 'bpmndi:BPMNShape') shapes.set(el.bpmnElement.id, el.bounds);
          if (el.$type === 'bpmndi:BPMNEdge') edges.set(el.bpmnElement.id, el.waypoint);
        }
      });

      it('has a shape for every flow node and an edge for every sequence flow', () => {
        expect(nodes.filter((n) => !shapes.has(n.id)).map((n) => n.id)).to.deep.equal([]);
        expect(flows.filter((f) => (edges.get(f.id)?.length ?? 0) < 2).map((f) => f.id)).to.deep.equal([]);
        expect(shapes.size).to.equal(nodes.length);
        expect(edges.size).to.equal(flows.length);
      });

      it('has no two shapes overlapping', () => {
        const list = [...shapes.entries()];
        const overlaps: string[] = [];
        // A boundary event sits on its task's border by design.
        const attached = new Map<string, string>(nodes.filter((n) => n.attachedToRef).map((n) => [n.id, n.attachedToRef.id]));
        for (let i = 0; i < list.length; i++) {
          for (let j = i + 1; j < list.length; j++) {
            if (attached.get(list[i][0]) === list[j][0] || attached.get(list[j][0]) === list[i][0]) continue;
            const [a, b] = [list[i][1], list[j][1]];
            if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps.push(`${list[i][0]}/${list[j][0]}`);
          }
        }
        expect(overlaps).to.deep.equal([]);
      });

      it('is laid out left to right: start events leftmost, every forward flow pointing right', () => {
        const startX = Math.max(...nodes.filter((n) => n.$type === 'bpmn:StartEvent').map((n) => shapes.get(n.id)!.x));
        for (const n of nodes) if (n.$type !== 'bpmn:StartEvent') expect(shapes.get(n.id)!.x, n.id).to.be.greaterThan(startX);
        // Flows back to an earlier step (found by a depth-first walk) are the only ones going left
        const out = new Map<string, any[]>(nodes.map((n) => [n.id, []]));
        for (const f of flows) out.get(f.sourceRef.id)!.push(f);
        // A boundary event is reached with its task (an implicit step, not a drawn flow).
        for (const n of nodes) if (n.attachedToRef) out.get(n.attachedToRef.id)!.push({ id: `attached:${n.id}`, targetRef: n });
        const state = new Map<string, number>();
        const back = new Set<string>();
        const visit = (id: string) => {
          state.set(id, 1);
          for (const f of out.get(id)!) {
            if (state.get(f.targetRef.id) === 1) back.add(f.id);
            else if (!state.has(f.targetRef.id)) visit(f.targetRef.id);
          }
          state.set(id, 2);
        };
        for (const s of nodes.filter((n) => n.$type === 'bpmn:StartEvent')) visit(s.id);
        expect(nodes.filter((n) => !state.has(n.id)).map((n) => n.id), 'unreachable').to.deep.equal([]);
        for (const f of flows) {
          if (back.has(f.id)) continue;
          expect(shapes.get(f.targetRef.id)!.x, `${f.id} goes right`).to.be.greaterThan(shapes.get(f.sourceRef.id)!.x);
        }
      });

      it('names every element in Chinese, and every conditional flow', () => {
        expect(proc.name).to.match(HAN);
        expect(nodes.filter((n) => !HAN.test(n.name ?? '')).map((n) => n.id)).to.deep.equal([]);
        expect(flows.filter((f) => f.conditionExpression && !HAN.test(f.name ?? '')).map((f) => f.id)).to.deep.equal([]);
      });

      it('gives every user task a form, a time limit in working days and who does it', () => {
        for (const t of nodes.filter((n) => n.$type === 'bpmn:UserTask')) {
          expect(t.formKey, `${t.id} formKey`).to.be.a('string');
          expect(t.dueDate, `${t.id} dueDate`).to.match(/^P\d+D$/);
          expect(Boolean(t.assignee || t.candidateGroups || t.candidateUsers), `${t.id} has someone to do it`).to.equal(true);
        }
      });

      it('keeps the starter off every review, approval, filing and decision step', () => {
        const reviews = nodes.filter((n) => n.$type === 'bpmn:UserTask' && /Review|Approval|Filing|Decide|Collective|VendorApply|Delete/.test(n.id));
        for (const t of reviews) {
          const props = (t.extensionElements?.values ?? []).find((v: any) => v.$type === 'camunda:Properties')?.values ?? [];
          const sod = props.find((p: any) => p.name === 'separationOfDuties')?.value ?? '';
          expect(sod.split(','), `${t.id} separationOfDuties`).to.include('starter');
        }
      });
    });
  }
});
