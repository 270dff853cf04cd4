import { expect } from 'chai';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Finding 10 of issue 10: two parallel tasks that exclude each other's completer. When the same
 * person sends both completions at once, exactly one may succeed; before the fix both did, because
 * separation of duties was checked on state read before the other step committed.
 */
const twoKeys = process(
  'two-keys',
  `<bpmn:startEvent id="Start" />
   <bpmn:parallelGateway id="Fork" />
   ${userTask('Task_A', '甲审核', 'camunda:candidateGroups="unit-heads"').replace(' />', '><bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="Task_B" /></camunda:properties></bpmn:extensionElements></bpmn:userTask>')}
   ${userTask('Task_B', '乙审核', 'camunda:candidateGroups="unit-heads"').replace(' />', '><bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="Task_A" /></camunda:properties></bpmn:extensionElements></bpmn:userTask>')}
   <bpmn:parallelGateway id="Join" />
   <bpmn:endEvent id="End" />
   ${flow('f1', 'Start', 'Fork')}
   ${flow('f2', 'Fork', 'Task_A')}
   ${flow('f3', 'Fork', 'Task_B')}
   ${flow('f4', 'Task_A', 'Join')}
   ${flow('f5', 'Task_B', 'Join')}
   ${flow('f6', 'Join', 'End')}`,
);

describe('security: separation of duties cannot be raced (issue 10, finding 10)', function () {
  // 20 rounds of two concurrent completions: a busy 2-core machine needs more than the default 30 s.
  this.timeout(240_000);
  let s: TestServer;
  let staff: Client;
  let head: Client;

  before(async () => {
    s = await startServer();
    await s.engine.deploy([{ name: 'two-keys.bpmn', content: twoKeys }], { by: 'system' });
    staff = await s.login('staff');
    head = await s.login('head');
  });
  after(() => s.close());

  it('Given two mutually exclusive parallel tasks, When one person completes both at once (20 rounds), Then exactly one succeeds and the other is refused with nothing written', async () => {
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      // Given a fresh instance with both tasks open
      const started = await staff.post('/api/process-definitions/two-keys/start', { businessKey: `RACE-${round}` });
      expect(started.status).to.equal(201);
      const instanceId = started.body.id ?? started.body.instance?.id;
      const tasks = await s.engine.tasksOfInstance(instanceId);
      expect(tasks.map((t) => t.elementId).sort()).to.deep.equal(['Task_A', 'Task_B']);
      const auditBefore = Number((await s.db('audit_log').count({ n: '*' }))[0].n);

      // When head sends both completions together
      const answers = await Promise.all(tasks.map((t) => head.post(`/api/tasks/${t.id}/complete`, { variables: {} })));

      // Then exactly one is accepted, the other refused by separation of duties
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, `round ${round}`).to.deep.equal([200, 403]);
      const refused = answers.find((a) => a.status === 403)!;
      expect(refused.body.error.code).to.equal('SEPARATION_OF_DUTIES');
      // and nothing of the refused completion was written: one task done, one open, one audit row
      const after = await s.engine.tasksOfInstance(instanceId);
      expect(after.map((t) => t.status).sort()).to.deep.equal(['completed', 'open']);
      expect(after.find((t) => t.status === 'completed')!.completedBy).to.equal('head');
      const completions = (await s.engine.history(instanceId)).filter((h) => h.type === 'task.completed');
      expect(completions).to.have.length(1);
      expect(Number((await s.db('audit_log').count({ n: '*' }))[0].n)).to.equal(auditBefore + 1);
      expect((await s.engine.getInstance(instanceId))!.status).to.equal('running');
    }
    const verify = await (await s.login('supervisor')).get('/api/audit/verify');
    expect(verify.body.ok).to.equal(true);
  });
});
