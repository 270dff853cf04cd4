import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';
import { stopNodes, twoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const DAY = 24 * 3_600_000;

/**
 * Two engine services (two nodes) on one database, each with its own cache of live engines. A node
 * whose cached engine is older than the database must re-read and go on, never refuse.
 */
describe('engine: two nodes never refuse open work because a cached engine is stale', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let a: EngineService;
  let b: EngineService;

  before(async () => {
    ({ t, clock, a, b } = await twoNodes());
    await a.deploy(
      [
        {
          name: 'chain.bpmn',
          content: process(
            'chain',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'first')}
            ${userTask('first', '受理', 'camunda:candidateGroups="staff"')}
            ${flow('f1', 'first', 'second')}
            ${userTask('second', '审核', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'second', 'reply')}
            <bpmn:intermediateCatchEvent id="reply" name="等待回复"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>
            ${flow('f3', 'reply', 'third')}
            ${userTask('third', '办结', 'camunda:candidateGroups="staff"')}
            ${flow('f4', 'third', 'end')}
            <bpmn:endEvent id="end" />`,
            { messages: { m1: 'reply' } },
          ),
        },
        {
          name: 'later.bpmn',
          content: process(
            'later',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'first')}
            ${userTask('first', '受理', 'camunda:candidateGroups="staff"')}
            ${flow('f1', 'first', 'wait')}
            <bpmn:intermediateCatchEvent id="wait" name="等待一天"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f2', 'wait', 'second')}
            ${userTask('second', '办理', 'camunda:candidateGroups="staff"')}
            ${flow('f3', 'second', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await stopNodes({ t, a, b });
  });

  const openTask = async (node: EngineService, instanceId: string, elementId: string) => {
    const task = (await node.tasksOfInstance(instanceId)).find((x) => x.elementId === elementId && x.status === 'open');
    expect(task, `${elementId} open in ${instanceId}`).to.not.equal(undefined);
    return task!;
  };

  it('A starts, B completes the first task, A completes the second: A re-reads and completes it', async () => {
    // Given an instance started on node A (A caches its engine at version 1)
    const { instance } = await a.start('chain', { by: staff });
    // And node B completed the first task (the database is at version 2, A's copy is not)
    await b.complete((await openTask(b, instance.id, 'first')).id, { by: staff });
    const second = await openTask(a, instance.id, 'second');
    // When node A completes the second task
    const res = await a.complete(second.id, { by: staff });
    // Then it is completed, once, and the instance waits for the reply
    expect(res.instance.version).to.equal(3);
    expect((await a.getTask(second.id))!.status).to.equal('completed');
    const completed = (await a.history(instance.id)).filter((h) => h.type === 'task.completed');
    expect(completed.map((h) => h.elementId)).to.deep.equal(['first', 'second']);
    // And completing it again is a true refusal that changes nothing
    await expectError(b.complete(second.id, { by: staff }), 'TASK_NOT_OPEN');
    expect((await a.getInstance(instance.id))!.version).to.equal(3);
  });

  it('a message delivered on a node with a stale copy reaches the instance', async () => {
    // Given an instance whose first two tasks were completed on node B after A started it
    const { instance } = await a.start('chain', { by: staff, businessKey: 'stale-message' });
    await b.complete((await openTask(b, instance.id, 'first')).id, { by: staff });
    await b.complete((await openTask(b, instance.id, 'second')).id, { by: staff });
    // When node A (which last saw version 1) correlates the reply
    const res = await a.correlateMessage('reply', { businessKey: 'stale-message' });
    // Then the instance received it and waits at the third task
    expect(res.started).to.equal(false);
    expect(res.tasks.map((x) => x.elementId)).to.deep.equal(['third']);
    expect((await a.history(instance.id)).filter((h) => h.type === 'message.received')).to.have.length(1);
  });

  it('a timer a node with a stale copy runs fires exactly once', async () => {
    // Given an instance started on A whose first task B completed (B wrote the timer job)
    const { instance } = await a.start('later', { by: staff });
    await b.complete((await openTask(b, instance.id, 'first')).id, { by: staff });
    clock.advance(DAY + 1);
    // When node A (stale copy) runs the due job
    expect(await a.jobs.runDue()).to.equal(1);
    // Then the timer fired once and the second task is open, with no incident
    expect((await a.history(instance.id)).filter((h) => h.type === 'timer.fired')).to.have.length(1);
    await openTask(a, instance.id, 'second');
    expect(await a.incidents({ instanceId: instance.id })).to.deep.equal([]);
  });

  it('30 instances, every step on the other node, all at once: no refusal and every instance completes', async () => {
    const nodes = [a, b];
    const refusals: string[] = [];
    const run = async (i: number) => {
      let n = i % 2;
      const next = () => nodes[(n = 1 - n)];
      const key = `load-${i}`;
      const { instance } = await nodes[n].start('chain', { by: staff, businessKey: key });
      const step = async (what: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (err) {
          refusals.push(`${key} ${what}: ${(err as { code?: string }).code ?? (err as Error).message}`);
          throw err;
        }
      };
      for (const element of ['first', 'second']) {
        const node = next();
        await step(element, async () => node.complete((await openTask(node, instance.id, element)).id, { by: staff }));
      }
      await step('reply', () => next().correlateMessage('reply', { businessKey: key }));
      const node = next();
      await step('third', async () => node.complete((await openTask(node, instance.id, 'third')).id, { by: staff }));
      return instance.id;
    };
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => run(i)));
    expect(refusals).to.deep.equal([]);
    for (const id of ids) {
      const row = (await a.getInstance(id))!;
      expect(row.status, id).to.equal('completed');
      expect(row.version, id).to.equal(5);
      const completed = (await a.history(id)).filter((h) => h.type === 'task.completed').map((h) => h.elementId);
      expect(completed, id).to.deep.equal(['first', 'second', 'third']);
      expect((await a.tasksOfInstance(id)).every((x) => x.status === 'completed'), id).to.equal(true);
    }
  });
});
