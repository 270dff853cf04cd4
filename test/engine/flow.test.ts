import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const zhang: Actor = { id: 'zhang', groups: ['staff'] };
const li: Actor = { id: 'li', groups: ['leaders'] };
const wang: Actor = { id: 'wang', groups: ['leaders'] };

describe('engine: sequence, gateways and messages', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function openTasks(instanceId: string) {
    return (await engine.tasksOfInstance(instanceId)).filter((x) => x.status === 'open');
  }

  describe('a sequence of two user tasks', () => {
    before(async () => {
      await engine.deploy(
        [
          {
            name: 'seq.bpmn',
            content: process(
              'seq',
              `<bpmn:startEvent id="start" name="开始" />
              ${flow('f1', 'start', 'draft')}
              ${userTask('draft', '起草', 'camunda:candidateGroups="staff"')}
              ${flow('f2', 'draft', 'approve')}
              ${userTask('approve', '审批', 'camunda:candidateGroups="leaders"')}
              ${flow('f3', 'approve', 'end')}
              <bpmn:endEvent id="end" name="结束" />`,
            ),
          },
        ],
        { by: 'owner' },
      );
    });

    it('creates one task at a time and completes the instance after the last one', async () => {
      const { instance, tasks } = await engine.start('seq', { by: zhang, businessKey: 'SEQ-1' });
      expect(instance.status).to.equal('running');
      expect(tasks.map((x) => [x.elementId, x.candidateGroups])).to.deep.equal([['draft', ['staff']]]);

      await engine.complete(tasks[0].id, { by: zhang, variables: { note: '草稿' } });
      const [approve] = await openTasks(instance.id);
      expect(approve.elementId).to.equal('approve');
      expect(approve.businessKey).to.equal('SEQ-1');

      const done = await engine.complete(approve.id, { by: li });
      expect(done.instance.status).to.equal('completed');
      const stored = await engine.getInstance(instance.id);
      expect(stored!.status).to.equal('completed');
      expect(stored!.variables).to.deep.equal({ note: '草稿' });
      expect(await openTasks(instance.id)).to.have.length(0);

      const types = (await engine.history(instance.id)).map((h) => `${h.type}:${h.elementId ?? ''}`);
      expect(types).to.include.members(['process.start:', 'task.created:draft', 'task.completed:draft', 'task.completed:approve', 'process.end:', 'activity.end:end']);
      const variable = (await engine.history(instance.id)).find((h) => h.type === 'variable');
      expect(variable).to.include({ actor: 'zhang' });
      expect(variable!.data).to.deep.equal({ name: 'note', value: '草稿' });
    });

    it('refuses a task to anyone outside its candidates and to a second completion', async () => {
      const { tasks } = await engine.start('seq', { by: zhang });
      await expectError(engine.complete(tasks[0].id, { by: li }), 'NOT_CANDIDATE');
      await expectError(engine.claim(tasks[0].id, { by: li }), 'NOT_CANDIDATE');
      await engine.complete(tasks[0].id, { by: zhang });
      await expectError(engine.complete(tasks[0].id, { by: zhang }), 'TASK_NOT_OPEN');
    });

    it('lets one candidate claim a task, keeps others out until it is given back', async () => {
      const { instance, tasks } = await engine.start('seq', { by: zhang });
      await engine.complete(tasks[0].id, { by: zhang });
      const [approve] = await openTasks(instance.id);
      const claimed = await engine.claim(approve.id, { by: li });
      expect(claimed.assignee).to.equal('li');
      await expectError(engine.claim(approve.id, { by: wang }), 'TASK_CLAIMED');
      await expectError(engine.complete(approve.id, { by: wang }), 'TASK_CLAIMED');
      await expectError(engine.unclaim(approve.id, { by: wang }), 'NOT_ASSIGNEE');
      await engine.unclaim(approve.id, { by: li });
      await engine.claim(approve.id, { by: wang });
      const done = await engine.complete(approve.id, { by: wang });
      expect(done.instance.status).to.equal('completed');
      const types = (await engine.history(instance.id)).map((h) => `${h.type}:${h.actor}`);
      expect(types).to.include.members(['task.claimed:li', 'task.unclaimed:li', 'task.claimed:wang', 'task.completed:wang']);
    });

    it('answers unknown ids with not-found errors', async () => {
      await expectError(engine.complete('no-such-task', { by: zhang }), 'TASK_NOT_FOUND');
      await expectError(engine.start('no-such-process', { by: zhang }), 'PROCESS_NOT_FOUND');
      await expectError(engine.cancel('no-such-instance', { by: zhang, reason: 'x' }), 'INSTANCE_NOT_FOUND');
    });
  });

  describe('an exclusive gateway with FEEL conditions and a default flow', () => {
    before(async () => {
      await engine.deploy(
        [
          {
            name: 'xor.bpmn',
            content: process(
              'xor',
              `<bpmn:startEvent id="start" />
              ${flow('f0', 'start', 'review')}
              ${userTask('review', '审核', 'camunda:candidateGroups="leaders"')}
              ${flow('f1', 'review', 'gw')}
              <bpmn:exclusiveGateway id="gw" name="审核结论" default="toOther" />
              ${flow('toApprove', 'gw', 'approved', '${decision == "approve" && amount <= 300000}')}
              ${flow('toBig', 'gw', 'bigApproval', '=decision = "approve" and amount > 300000')}
              ${flow('toReject', 'gw', 'rejected', '${decision == "reject"}')}
              ${flow('toOther', 'gw', 'other')}
              <bpmn:endEvent id="approved" name="通过" />
              ${userTask('bigApproval', '集体决定', 'camunda:candidateGroups="leaders"')}
              ${flow('fb', 'bigApproval', 'approved2')}
              <bpmn:endEvent id="approved2" name="通过（重大）" />
              <bpmn:endEvent id="rejected" name="驳回" />
              <bpmn:endEvent id="other" name="其他" />`,
            ),
          },
        ],
        { by: 'owner' },
      );
    });

    async function route(variables: Record<string, unknown>) {
      const { instance, tasks } = await engine.start('xor', { by: zhang });
      await engine.complete(tasks[0].id, { by: li, variables });
      const ends = (await engine.history(instance.id)).filter((h) => h.type === 'activity.end' && h.elementType === 'bpmn:EndEvent');
      const open = await openTasks(instance.id);
      return { ends: ends.map((h) => h.elementId), open: open.map((x) => x.elementId) };
    }

    it('takes the Camunda 7 style JUEL branch when it holds', async () => {
      expect(await route({ decision: 'approve', amount: 1000 })).to.deep.equal({ ends: ['approved'], open: [] });
    });
    it('takes the Camunda 8 style FEEL branch when it holds', async () => {
      expect(await route({ decision: 'approve', amount: 500000 })).to.deep.equal({ ends: [], open: ['bigApproval'] });
    });
    it('takes the rejection branch', async () => {
      expect(await route({ decision: 'reject', amount: 0 })).to.deep.equal({ ends: ['rejected'], open: [] });
    });
    it('takes the default flow when no condition holds', async () => {
      expect(await route({ decision: 'defer', amount: 0 })).to.deep.equal({ ends: ['other'], open: [] });
    });
    it('refuses the step, changing nothing, when a condition names a missing variable', async () => {
      const { instance, tasks } = await engine.start('xor', { by: zhang });
      const before = await engine.history(instance.id);
      await expectError(engine.complete(tasks[0].id, { by: li, variables: { decision: 'approve' } }), 'EXPRESSION_FAILED');
      expect(await engine.history(instance.id)).to.have.length(before.length);
      const [still] = await openTasks(instance.id);
      expect(still.id).to.equal(tasks[0].id);
      const again = await engine.complete(tasks[0].id, { by: li, variables: { decision: 'approve', amount: 5 } });
      expect(again.instance.status).to.equal('completed');
    });
  });

  describe('a parallel split and join', () => {
    before(async () => {
      await engine.deploy(
        [
          {
            name: 'par.bpmn',
            content: process(
              'par',
              `<bpmn:startEvent id="start" />
              ${flow('f0', 'start', 'split')}
              <bpmn:parallelGateway id="split" />
              ${flow('f1', 'split', 'party')}
              ${flow('f2', 'split', 'discipline')}
              ${userTask('party', '党委审议', 'camunda:candidateGroups="leaders"')}
              ${userTask('discipline', '纪委审议', 'camunda:candidateGroups="leaders"')}
              ${flow('f3', 'party', 'join')}
              ${flow('f4', 'discipline', 'join')}
              <bpmn:parallelGateway id="join" />
              ${flow('f5', 'join', 'decide')}
              ${userTask('decide', '决定', 'camunda:candidateGroups="leaders"')}
              ${flow('f6', 'decide', 'end')}
              <bpmn:endEvent id="end" />`,
            ),
          },
        ],
        { by: 'owner' },
      );
    });

    it('waits for both branches before going on', async () => {
      const { instance, tasks } = await engine.start('par', { by: zhang });
      expect(tasks.map((x) => x.elementId).sort()).to.deep.equal(['discipline', 'party']);
      await engine.complete(tasks.find((x) => x.elementId === 'party')!.id, { by: li, variables: { partyOpinion: '同意' } });
      expect((await openTasks(instance.id)).map((x) => x.elementId)).to.deep.equal(['discipline']);
      await engine.complete(tasks.find((x) => x.elementId === 'discipline')!.id, { by: wang, variables: { disciplineOpinion: '同意' } });
      const open = await openTasks(instance.id);
      expect(open.map((x) => x.elementId)).to.deep.equal(['decide']);
      expect((await engine.getInstance(instance.id))!.variables).to.deep.equal({ partyOpinion: '同意', disciplineOpinion: '同意' });
    });

    it('lets two completions racing on the parallel tasks both land', async () => {
      const { instance, tasks } = await engine.start('par', { by: zhang });
      // A second engine service on the same database acts as a second node with its own cache.
      const otherNode = await EngineService.create({ db: await t.reopen() });
      const [a, b] = tasks;
      const results = await Promise.all([
        engine.complete(a.id, { by: li, variables: { first: 1 } }),
        otherNode.complete(b.id, { by: wang, variables: { second: 2 } }),
      ]);
      expect(results).to.have.length(2);
      const stored = await engine.getInstance(instance.id);
      expect(stored!.variables).to.deep.equal({ first: 1, second: 2 });
      expect(stored!.version).to.equal(3);
      const all = await engine.tasksOfInstance(instance.id);
      expect(all.filter((x) => x.status === 'completed').map((x) => x.elementId).sort()).to.deep.equal(['discipline', 'party']);
      expect(all.filter((x) => x.status === 'open').map((x) => x.elementId)).to.deep.equal(['decide']);
      await otherNode.stop();
    });
  });

  describe('a message catch event', () => {
    before(async () => {
      await engine.deploy(
        [
          {
            name: 'msg.bpmn',
            content: process(
              'msg',
              `<bpmn:startEvent id="start" />
              ${flow('f0', 'start', 'wait')}
              <bpmn:intermediateCatchEvent id="wait" name="等待省平台回执"><bpmn:messageEventDefinition messageRef="M_receipt" /></bpmn:intermediateCatchEvent>
              ${flow('f1', 'wait', 'check')}
              ${userTask('check', '核对回执', 'camunda:candidateGroups="staff"')}
              ${flow('f2', 'check', 'end')}
              <bpmn:endEvent id="end" />`,
              { messages: { M_receipt: 'provinceReceipt' } },
            ),
          },
        ],
        { by: 'owner' },
      );
    });

    it('is correlated by business key and carries its variables in', async () => {
      const a = await engine.start('msg', { by: zhang, businessKey: 'UP-2026-11' });
      const b = await engine.start('msg', { by: zhang, businessKey: 'UP-2026-12' });
      expect(a.tasks).to.have.length(0);
      const res = await engine.correlateMessage('provinceReceipt', { businessKey: 'UP-2026-12', variables: { receiptNo: 'R-9' } });
      expect(res.started).to.equal(false);
      expect(res.instance.id).to.equal(b.instance.id);
      expect(res.tasks.map((x) => x.elementId)).to.deep.equal(['check']);
      expect((await engine.getInstance(b.instance.id))!.variables).to.deep.equal({ receiptNo: 'R-9' });
      expect(await openTasks(a.instance.id)).to.have.length(0);
      await expectError(engine.correlateMessage('provinceReceipt', { businessKey: 'UP-2026-12' }), 'MESSAGE_NOT_CORRELATED');
      await expectError(engine.correlateMessage('noSuchMessage', { businessKey: 'UP-2026-11' }), 'MESSAGE_NOT_CORRELATED');
    });
  });

  describe('a process with a manual start and a message start event', () => {
    before(async () => {
      await engine.deploy(
        [
          {
            name: 'two-starts.bpmn',
            content: process(
              'twoStarts',
              `<bpmn:startEvent id="manual" name="人工立案" />
              <bpmn:startEvent id="auto" name="自动触发"><bpmn:messageEventDefinition messageRef="M_open" /></bpmn:startEvent>
              ${flow('f1', 'manual', 'draft')}
              ${flow('f2', 'auto', 'draft')}
              ${userTask('draft', '拟定意见', 'camunda:candidateGroups="staff"')}
              ${flow('f3', 'draft', 'end')}
              <bpmn:endEvent id="end" />`,
              { messages: { M_open: 'openCase' } },
            ),
          },
        ],
        { by: 'owner' },
      );
    });

    it('starts exactly one path whichever start event triggers', async () => {
      const manual = await engine.start('twoStarts', { by: zhang });
      expect(manual.tasks.map((x) => x.elementId)).to.deep.equal(['draft']);
      const auto = await engine.correlateMessage('openCase', { variables: { category: 2 }, businessKey: 'CASE-1' });
      expect(auto.started).to.equal(true);
      expect(auto.instance.startEventId).to.equal('auto');
      expect(auto.instance.variables).to.deep.equal({ category: 2 });
      expect(auto.tasks.map((x) => x.elementId)).to.deep.equal(['draft']);
      const starts = (await engine.history(auto.instance.id)).filter((h) => h.type === 'activity.start' && h.elementType === 'bpmn:StartEvent');
      expect(starts.map((h) => h.elementId)).to.deep.equal(['auto']);
    });
  });
});
