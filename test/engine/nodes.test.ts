import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';
import { stopNodes, twoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

describe('engine: several nodes on one database', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let a: EngineService;
  let b: EngineService;

  before(async () => {
    ({ t, clock, a, b } = await twoNodes());
    await a.deploy(
      [
        {
          name: 'remind.bpmn',
          content: process(
            'remind',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'wait')}
            <bpmn:intermediateCatchEvent id="wait" name="等待一天"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'wait', 'act')}
            ${userTask('act', '办理', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'act', 'end')}
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

  it('fires each due timer exactly once while two nodes poll at the same time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await (i % 2 ? a : b).start('remind', { by: staff })).instance.id);
    clock.advance(24 * 3_600_000 + 1);
    const [ranA, ranB] = await Promise.all([a.jobs.runDue(), b.jobs.runDue()]);
    expect(ranA + ranB).to.equal(30);
    for (const id of ids) {
      const tasks = await a.tasksOfInstance(id);
      expect(tasks.map((x) => x.elementId), id).to.deep.equal(['act']);
      expect((await a.history(id)).filter((h) => h.type === 'timer.fired')).to.have.length(1);
    }
    expect(await t.db('jobs').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('a job leased by a node that died is taken over when its lease expires', async () => {
    const { instance } = await a.start('remind', { by: staff });
    clock.advance(24 * 3_600_000 + 1);
    // Node A leases the job and "dies" before running it.
    const { acquireDueJobs } = await import('../../src/store/jobs.ts');
    const leased = await acquireDueJobs(t.db, 'node-a', clock.now(), clock.now() + 60_000, 10);
    expect(leased.map((j) => j.instanceId)).to.deep.equal([instance.id]);
    expect(await b.jobs.runDue()).to.equal(0);
    clock.advance(60_001);
    expect(await b.jobs.runDue()).to.equal(1);
    expect((await b.tasksOfInstance(instance.id)).map((x) => x.elementId)).to.deep.equal(['act']);
  });

  it("a caller's hook commits with the step, and a failing hook undoes the step", async () => {
    await t.db.schema.createTable('test_audit', (tb) => {
      tb.increments('id');
      tb.string('what');
    });
    const { instance } = await a.start('remind', {
      by: staff,
      hook: async (trx, res) => {
        await trx('test_audit').insert({ what: `start ${res.instance.id}` });
      },
    });
    expect(await t.db('test_audit').pluck('what')).to.deep.equal([`start ${instance.id}`]);
    clock.advance(24 * 3_600_000 + 1);
    await a.jobs.runDue();
    const [task] = await a.tasksOfInstance(instance.id);
    const err = await a
      .complete(task.id, {
        by: staff,
        hook: async () => {
          throw new Error('audit write failed');
        },
      })
      .catch((e) => e);
    expect(err.message).to.equal('audit write failed');
    expect((await a.getTask(task.id))!.status).to.equal('open');
    expect((await a.getInstance(instance.id))!.status).to.equal('running');
    // The engine recovers from the database after the failed step, and the task still completes.
    await a.complete(task.id, { by: staff });
    expect((await a.getInstance(instance.id))!.status).to.equal('completed');
    await expectError(a.complete(task.id, { by: staff }), 'TASK_NOT_OPEN');
  });
});
