import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const zhang: Actor = { id: 'zhang', groups: ['staff'] };
const li: Actor = { id: 'li', groups: ['leaders'] };
const wang: Actor = { id: 'wang', groups: ['leaders'] };
const zhao: Actor = { id: 'zhao', groups: ['leaders'] };

/** A countersign: one task per reviewer in `reviewers`, then a filing task. */
function countersign(id: string, loop: { sequential?: boolean; condition?: string }): string {
  const condition = loop.condition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${loop.condition.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</bpmn:completionCondition>`
    : '';
  return process(
    id,
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'sign')}
    <bpmn:userTask id="sign" name="会签" camunda:assignee="\${reviewer}" camunda:dueDate="P3D">
      <bpmn:multiInstanceLoopCharacteristics isSequential="${loop.sequential ? 'true' : 'false'}" camunda:collection="\${reviewers}" camunda:elementVariable="reviewer">${condition}</bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    ${flow('f2', 'sign', 'file')}
    <bpmn:userTask id="file" name="归档" camunda:candidateGroups="staff" />
    ${flow('f3', 'file', 'end')}
    <bpmn:endEvent id="end" />`,
  );
}

describe('engine: multi-instance user tasks (会签 / 或签 / 比例签)', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
    await engine.deploy(
      [
        { name: 'all.bpmn', content: countersign('mi-all', {}) },
        { name: 'any.bpmn', content: countersign('mi-any', { condition: '${nrOfCompletedInstances >= 1}' }) },
        { name: 'veto.bpmn', content: countersign('mi-veto', { condition: '=count(loopOutput[approved = false]) >= 1 or nrOfCompletedInstances = nrOfInstances' }) },
        { name: 'seq.bpmn', content: countersign('mi-seq', { sequential: true, condition: '=nrOfCompletedInstances / nrOfInstances >= 0.6' }) },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  /** Open tasks of an instance, by assignee (tasks created in one step share their creation time). */
  async function openTasks(e: EngineService, instanceId: string) {
    const open = (await e.tasksOfInstance(instanceId)).filter((x) => x.status === 'open');
    return open.sort((a, b) => String(a.assignee).localeCompare(String(b.assignee)));
  }

  it('会签: gives each reviewer a task of their own and goes on only when all have signed', async () => {
    // Given a countersign by li, wang and zhao
    const { instance, tasks } = await engine.start('mi-all', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
    // Then each reviewer has their own task with its own time limit
    tasks.sort((a, b) => String(a.assignee).localeCompare(String(b.assignee)));
    expect(tasks.map((x) => [x.elementId, x.assignee])).to.deep.equal([
      ['sign', 'li'],
      ['sign', 'wang'],
      ['sign', 'zhao'],
    ]);
    expect(new Set(tasks.map((x) => x.executionId)).size).to.equal(3);
    expect(tasks.every((x) => x.dueAt !== null)).to.equal(true);
    // And nobody may sign another's task
    await expectError(engine.complete(tasks[0].id, { by: wang }), 'NOT_CANDIDATE');

    // When two of three sign, the third task is still open and filing has not begun
    await engine.complete(tasks[0].id, { by: li, variables: { approved: true } });
    await engine.complete(tasks[1].id, { by: wang, variables: { approved: true } });
    let open = await openTasks(engine, instance.id);
    expect(open.map((x) => x.assignee)).to.deep.equal(['zhao']);
    // and the monitor shows the countersign at 2/3
    const row = (await engine.getInstance(instance.id))!;
    expect(await engine.multiInstanceProgress(row, await engine.tasksOfInstance(instance.id))).to.deep.equal({ sign: { completed: 2, total: 3 } });

    // When the last one signs, the instance moves on to filing
    await engine.complete(tasks[2].id, { by: zhao, variables: { approved: true } });
    open = await openTasks(engine, instance.id);
    expect(open.map((x) => x.elementId)).to.deep.equal(['file']);
    const history = await engine.history(instance.id);
    const end = history.find((h) => h.type === 'activity.end' && h.elementId === 'sign');
    expect(end!.data).to.deep.equal({ nrOfInstances: 3, nrOfCompletedInstances: 3 });
    expect(history.filter((h) => h.type === 'task.completed' && h.elementId === 'sign').map((h) => h.actor)).to.deep.equal(['li', 'wang', 'zhao']);
  });

  it('或签: the first signature decides, the other tasks leave the inboxes and history says why', async () => {
    const { instance, tasks } = await engine.start('mi-any', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
    expect(tasks).to.have.length(3);
    // When wang signs first
    await engine.complete(tasks[1].id, { by: wang, variables: { approved: true } });
    // Then li's and zhao's tasks are cancelled and filing is open
    const all = await engine.tasksOfInstance(instance.id);
    expect(all.filter((x) => x.elementId === 'sign').map((x) => [x.assignee, x.status]).sort()).to.deep.equal([
      ['li', 'cancelled'],
      ['wang', 'completed'],
      ['zhao', 'cancelled'],
    ]);
    expect((await openTasks(engine, instance.id)).map((x) => x.elementId)).to.deep.equal(['file']);
    expect((await engine.listTasks({ assignee: 'li', status: 'open' } as any)).rows.filter((x) => x.instanceId === instance.id)).to.have.length(0);
    const cancelled = (await engine.history(instance.id)).filter((h) => h.type === 'task.cancelled');
    expect(cancelled.map((h) => [h.executionId, h.data]).sort()).to.deep.equal([
      [tasks[0].executionId, { reason: 'completionCondition' }],
      [tasks[2].executionId, { reason: 'completionCondition' }],
    ]);
    // And a cancelled task can no longer be completed
    await expectError(engine.complete(tasks[0].id, { by: li }), 'TASK_NOT_OPEN');
    expect((await engine.getInstance(instance.id))!.variables).to.include({ approved: true });
  });

  it('一票否决: a vote count over the signers\' results ends the countersign at the first "no"', async () => {
    const { instance, tasks } = await engine.start('mi-veto', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
    await engine.complete(tasks[0].id, { by: li, variables: { approved: true } });
    expect(await openTasks(engine, instance.id)).to.have.length(2);
    await engine.complete(tasks[2].id, { by: zhao, variables: { approved: false } });
    const open = await openTasks(engine, instance.id);
    expect(open.map((x) => x.elementId)).to.deep.equal(['file']);
    expect((await engine.tasksOfInstance(instance.id)).find((x) => x.assignee === 'wang')!.status).to.equal('cancelled');
  });

  it('sequential 比例签: one reviewer at a time, done when 60 % have signed', async () => {
    const { instance, tasks } = await engine.start('mi-seq', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
    expect(tasks.map((x) => x.assignee)).to.deep.equal(['li']);
    await engine.complete(tasks[0].id, { by: li });
    let open = await openTasks(engine, instance.id);
    expect(open.map((x) => x.assignee)).to.deep.equal(['wang']);
    // a sequential loop's total comes from its collection, not from the tasks created so far
    const row = (await engine.getInstance(instance.id))!;
    expect(await engine.multiInstanceProgress(row, await engine.tasksOfInstance(instance.id))).to.deep.equal({ sign: { completed: 1, total: 3 } });
    await engine.complete(open[0].id, { by: wang });
    open = await openTasks(engine, instance.id);
    expect(open.map((x) => x.elementId)).to.deep.equal(['file']);
    expect((await engine.tasksOfInstance(instance.id)).filter((x) => x.elementId === 'sign')).to.have.length(2);
  });

  it('an empty collection skips the countersign', async () => {
    const { tasks } = await engine.start('mi-all', { by: zhang, variables: { reviewers: [] } });
    expect(tasks.map((x) => x.elementId)).to.deep.equal(['file']);
  });

  describe('restart in the middle', () => {
    for (const [key, sequential] of [
      ['mi-all', false],
      ['mi-seq', true],
    ] as const) {
      it(`${sequential ? 'sequential' : 'parallel'}: a fresh engine on the same database finishes the countersign`, async () => {
        // Given a countersign where li has signed
        const { instance, tasks } = await engine.start(key, { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
        await engine.complete(tasks[0].id, { by: li, variables: { approved: true } });
        // When a fresh engine (a restarted server) takes over, and (parallel) another restart
        // happens between the next two signatures
        const restarted = async () => EngineService.create({ db: await t.reopen() });
        const engines = [await restarted()];
        try {
          let open = await openTasks(engines[0], instance.id);
          expect(open.map((x) => x.assignee)).to.deep.equal(['wang', ...(sequential ? [] : ['zhao'])]);
          await engines[0].complete(open[0].id, { by: wang, variables: { approved: true } });
          if (!sequential) {
            engines.unshift(await restarted());
            open = await openTasks(engines[0], instance.id);
            expect(open.map((x) => x.assignee)).to.deep.equal(['zhao']);
            await engines[0].complete(open[0].id, { by: zhao, variables: { approved: true } });
          }
          // Then (会签: all three signed; 比例签: two of three are 67 %) filing is next
          open = await openTasks(engines[0], instance.id);
          expect(open.map((x) => x.elementId)).to.deep.equal(['file']);
          const end = (await engines[0].history(instance.id)).find((h) => h.type === 'activity.end' && h.elementId === 'sign' && h.data);
          expect(end!.data).to.include({ nrOfInstances: 3, nrOfCompletedInstances: sequential ? 2 : 3 });
          const done = await engines[0].complete(open[0].id, { by: zhang });
          expect(done.instance.status).to.equal('completed');
        } finally {
          for (const e of engines) await e.stop();
        }
      });
    }

    it('或签 after a restart: the first signature on the fresh engine cancels the rest', async () => {
      const { instance, tasks } = await engine.start('mi-any', { by: zhang, variables: { reviewers: ['li', 'wang'] } });
      const fresh = await EngineService.create({ db: await t.reopen() });
      try {
        await fresh.complete(tasks[1].id, { by: wang });
        const all = await fresh.tasksOfInstance(instance.id);
        expect(all.filter((x) => x.elementId === 'sign').map((x) => [x.assignee, x.status]).sort()).to.deep.equal([
          ['li', 'cancelled'],
          ['wang', 'completed'],
        ]);
        expect((await openTasks(fresh, instance.id)).map((x) => x.elementId)).to.deep.equal(['file']);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('deploy', () => {
    it('refuses a multi-instance without collection or cardinality, and a standard loop, naming the element', async () => {
      const bad = process(
        'mi-bad',
        `<bpmn:startEvent id="start" />
        ${flow('f1', 'start', 'a')}
        <bpmn:userTask id="a" name="甲"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>
        ${flow('f2', 'a', 'b')}
        <bpmn:userTask id="b" name="乙"><bpmn:standardLoopCharacteristics /></bpmn:userTask>
        ${flow('f3', 'b', 'end')}
        <bpmn:endEvent id="end" />`,
      );
      const err = await expectError(engine.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
      const messages = JSON.stringify(err.details);
      expect(messages).to.contain('a（甲）').and.to.contain('collection').and.to.contain('标准循环');
      expect(await engine.start('mi-bad', { by: zhang }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
    });
  });

});
