/**
 * Runs INSIDE a checkout of release v0.2.0 (commit 2a4715d), against that release's code and
 * APIs, never the current ones: `scripts/make-upgrade-fixture.ts` copies this file into the old
 * checkout and runs it there. It leaves cases waiting at every kind of wait v0.2.0 had (user
 * tasks unclaimed, claimed and after a first step, a boundary timer, an intermediate timer, a
 * message catch, one branch of a parallel split) and writes the database (VACUUM INTO) to argv[2].
 * Multi-instance and call activities did not exist in v0.2.0 (deploy refused them), so no case of
 * the fixture can wait at one.
 *
 * Usage (done by the make script): `npx tsx scripts/upgrade-fixture/scenario-v0.2.0.ts out.sqlite`
 */
import fs from 'node:fs';
import { flow, process, userTask } from '../../test/helpers/bpmn.ts';
import { deployViaApi, startServer } from '../../test/helpers/api.ts';
import { approvalFiles } from '../../test/api/fixtures.ts';

const out = process_argv(2);

function process_argv(i: number): string {
  const v = globalThis.process.argv[i];
  if (!v) throw new Error('usage: scenario-v0.2.0.ts <out.sqlite>');
  return v;
}

const review = process(
  'upg-review',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'accept')}
  ${userTask('accept', '受理', 'camunda:candidateGroups="staff"')}
  <bpmn:boundaryEvent id="late" name="超期" attachedToRef="accept"><bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  ${flow('f1', 'accept', 'check')}
  ${userTask('check', '审核', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'check', 'end')}
  ${flow('f3', 'late', 'urge')}
  ${userTask('urge', '督办', 'camunda:candidateGroups="staff"')}
  ${flow('f4', 'urge', 'end2')}
  <bpmn:endEvent id="end" />
  <bpmn:endEvent id="end2" />`,
);

const timer = process(
  'upg-timer',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'pause')}
  <bpmn:intermediateCatchEvent id="pause" name="等待两小时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  ${flow('f1', 'pause', 'after')}
  ${userTask('after', '后续办理', 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'after', 'end')}
  <bpmn:endEvent id="end" />`,
);

const message = process(
  'upg-message',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'wait')}
  <bpmn:intermediateCatchEvent id="wait" name="等待补正材料"><bpmn:messageEventDefinition messageRef="Msg_docs" /></bpmn:intermediateCatchEvent>
  ${flow('f1', 'wait', 'after')}
  ${userTask('after', '审查材料', 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'after', 'end')}
  <bpmn:endEvent id="end" />`,
  { messages: { Msg_docs: 'upg-docs' } },
);

const parallel = process(
  'upg-parallel',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'fork')}
  <bpmn:parallelGateway id="fork" />
  ${flow('f1', 'fork', 'a')}
  ${flow('f2', 'fork', 'b')}
  ${userTask('a', '经办意见', 'camunda:candidateGroups="staff"')}
  ${userTask('b', '科室意见', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f3', 'a', 'join')}
  ${flow('f4', 'b', 'join')}
  <bpmn:parallelGateway id="join" />
  ${flow('f5', 'join', 'end')}
  <bpmn:endEvent id="end" />`,
);

async function ok(res: Promise<{ status: number; text: string; body: any }>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.body;
}

const s = await startServer();
await deployViaApi(s, [
  ...approvalFiles,
  { name: 'upg-review.bpmn', content: review },
  { name: 'upg-timer.bpmn', content: timer },
  { name: 'upg-message.bpmn', content: message },
  { name: 'upg-parallel.bpmn', content: parallel },
]);
const staff = await s.login('staff');
const head = await s.login('head');
const start = (key: string, businessKey: string, variables: Record<string, unknown> = {}) =>
  ok(staff.post(`/api/process-definitions/${key}/start`, { businessKey, variables }), `start ${businessKey}`);
const openTask = async (instanceId: string) => (await s.engine.tasksOfInstance(instanceId)).find((t) => t.status === 'open')!;

// upg-review: R-1 waits unclaimed at 受理 (its boundary timer pending), R-2 claimed by staff,
// R-3 past 受理 at 审核 (the boundary timer cancelled with the step).
await start('upg-review', 'R-1');
const r2 = await start('upg-review', 'R-2');
await ok(staff.post(`/api/tasks/${(await openTask(r2.id)).id}/claim`), 'claim R-2');
const r3 = await start('upg-review', 'R-3');
await ok(staff.post(`/api/tasks/${(await openTask(r3.id)).id}/complete`, { variables: { note: '已受理' } }), 'complete R-3 受理');
// upg-timer: T-1 waits at a timer due two hours after the start.
await start('upg-timer', 'T-1');
// upg-message: M-1 waits for the message upg-docs.
await start('upg-message', 'M-1');
// upg-parallel: P-1 with one branch done, the other open.
const p1 = await start('upg-parallel', 'P-1');
const branchA = (await s.engine.tasksOfInstance(p1.id)).find((t) => t.elementId === 'a')!;
await ok(staff.post(`/api/tasks/${branchA.id}/complete`, {}), 'complete P-1 branch a');
// api-approval (start form, a due date, separation of duties): A-1 waits for a unit head.
await start('api-approval', 'A-1', { title: '升级前的申请', amount: 100 });
// One finished case, so completed history rides along too.
const done = await start('api-approval', 'A-0', { title: '升级前已办结', amount: 1 });
const approve = await openTask(done.id);
await ok(head.post(`/api/tasks/${approve.id}/claim`), 'claim A-0');
await ok(head.post(`/api/tasks/${approve.id}/complete`, { variables: { decision: 'approve' } }), 'complete A-0');

fs.rmSync(out, { force: true });
await s.db.raw('VACUUM INTO ?', [out]);
await s.close();
console.log(out);
