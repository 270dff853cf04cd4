/**
 * Runs INSIDE a checkout of commit bb70438 (main on 2026-12-02, between v0.2.0 and the next
 * release; NOT a release), against that commit's code: `scripts/make-upgrade-fixture.ts
 * --release snapshot-bb70438 --commit bb70438` copies it there. It leaves cases waiting at the
 * kinds of wait v0.2.0 did not have: a parallel multi-instance user task (会签, one of three
 * signed) and a call activity whose child waits at a user task (with a boundary timer pending on
 * the call), and writes the database (VACUUM INTO) to argv[2].
 */
import fs from 'node:fs';
import { flow, process as bpmn, userTask } from '../../test/helpers/bpmn.ts';
import { deployViaApi, startServer } from '../../test/helpers/api.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: scenario-snapshot-bb70438.ts <out.sqlite>');

const countersign = bpmn(
  'upg-countersign',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'sign')}
  <bpmn:userTask id="sign" name="会签" camunda:assignee="\${reviewer}">
    <bpmn:multiInstanceLoopCharacteristics isSequential="false" camunda:collection="\${reviewers}" camunda:elementVariable="reviewer" />
  </bpmn:userTask>
  ${flow('f2', 'sign', 'file')}
  ${userTask('file', '归档', 'camunda:candidateGroups="staff"')}
  ${flow('f3', 'file', 'end')}
  <bpmn:endEvent id="end" />`,
);

const parent = bpmn(
  'upg-parent',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'review')}
  <bpmn:callActivity id="review" name="专家评审" calledElement="upg-child">
    <bpmn:extensionElements>
      <camunda:in source="amount" target="amount" />
      <camunda:out source="opinion" target="expertOpinion" />
    </bpmn:extensionElements>
  </bpmn:callActivity>
  <bpmn:boundaryEvent id="timeout" name="评审超时" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  ${flow('f2', 'review', 'decide')}
  ${flow('f3', 'timeout', 'decide')}
  ${userTask('decide', '决定', 'camunda:candidateGroups="staff"')}
  ${flow('f4', 'decide', 'end')}
  <bpmn:endEvent id="end" />`,
);

const child = bpmn(
  'upg-child',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'opine')}
  ${userTask('opine', '出具意见', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'opine', 'end')}
  <bpmn:endEvent id="end" />`,
);

async function ok(res: Promise<{ status: number; text: string; body: any }>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.body;
}

const s = await startServer();
await deployViaApi(s, [
  { name: 'upg-countersign.bpmn', content: countersign },
  { name: 'upg-child.bpmn', content: child },
  { name: 'upg-parent.bpmn', content: parent },
]);
const staff = await s.login('staff');
const head = await s.login('head');
// MI-1: 会签 by head, leader and supervisor; head has signed.
const mi = await ok(staff.post('/api/process-definitions/upg-countersign/start', { businessKey: 'MI-1', variables: { reviewers: ['head', 'leader', 'supervisor'] } }), 'start MI-1');
const headSign = (await s.engine.tasksOfInstance(mi.id)).find((t) => t.assignee === 'head' && t.status === 'open')!;
await ok(head.post(`/api/tasks/${headSign.id}/complete`, {}), 'head signs MI-1');
// C-1: the parent waits at the call activity; its child waits at 出具意见.
await ok(staff.post('/api/process-definitions/upg-parent/start', { businessKey: 'C-1', variables: { amount: 5000 } }), 'start C-1');
await s.engine.jobs.runDue();

fs.rmSync(out, { force: true });
await s.db.raw('VACUUM INTO ?', [out]);
await s.close();
console.log(out);
