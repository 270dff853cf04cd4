import { expect } from 'chai';
import { actorOf } from '../../src/domain/org.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { snapshot } from './helpers.ts';

/** Issue 10, finding 13: deploys that would freeze the server are refused. */

const TABLES = ['deployments', 'process_definitions', 'jobs', 'event_subscriptions', 'process_instances', 'tasks', 'audit_log'];

const timerStart = (id: string, cycle: string) =>
  process(
    id,
    `<bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
     ${flow('f0', 'tick', 'work')}
     ${userTask('work', '检查', 'camunda:candidateGroups="staff"')}
     ${flow('f1', 'work', 'end')}
     <bpmn:endEvent id="end" />`,
  );

const withDue = (id: string, due: string) =>
  process(
    id,
    `<bpmn:startEvent id="start" />
     ${flow('f0', 'start', 'work')}
     ${userTask('work', '办理', `camunda:candidateGroups="staff" camunda:dueDate="${due}"`)}
     ${flow('f1', 'work', 'end')}
     <bpmn:endEvent id="end" />`,
  );

const waiting = (id: string, duration: string) =>
  process(
    id,
    `<bpmn:startEvent id="start" />
     ${flow('f0', 'start', 'pause')}
     <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
     ${flow('f1', 'pause', 'end')}
     <bpmn:endEvent id="end" />`,
  );

describe('Security: timers and time limits that would freeze the server are refused (finding 13)', () => {
  let s: TestServer;
  let owner: Client;

  before(async () => {
    s = await startServer();
    owner = await s.login('owner');
  });
  after(async () => {
    await s.close();
  });

  it('Given R/PT0S, a 30-second cycle, a cycle expression, P20000D, 751 working days, PT0S and P4Y, when deployed over HTTP, then 400 lists each and nothing is stored (the server answers at once)', async function () {
    this.timeout(20_000); // before the fix the first file alone never returned
    const before = await snapshot(s.db, TABLES);
    const started = Date.now();
    const res = await owner.post('/api/deployments', {
      files: [
        { name: 'zero.bpmn', content: timerStart('zeroCycle', 'R/PT0S') },
        { name: 'fast.bpmn', content: timerStart('fastCycle', 'R/2026-12-01T09:00:00+08:00/PT30S') },
        { name: 'expr.bpmn', content: timerStart('exprCycle', '${cycle}') },
        { name: 'long.bpmn', content: withDue('longDue', 'P20000D') },
        { name: 'workdays.bpmn', content: withDue('manyDays', 'P751D') },
        { name: 'nowait.bpmn', content: waiting('noWait', 'PT0S') },
        { name: 'years.bpmn', content: waiting('years', 'P4Y') },
      ],
    });
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    const byFile = (f: string) => res.body.error.details.filter((d: any) => d.file === f).map((d: any) => d.message).join('\n');
    expect(byFile('zero.bpmn')).to.contain('短于 1 分钟');
    expect(byFile('fast.bpmn')).to.contain('短于 1 分钟');
    expect(byFile('expr.bpmn')).to.contain('不能是表达式');
    expect(byFile('long.bpmn')).to.contain('750 个工作日');
    expect(byFile('workdays.bpmn')).to.contain('750 个工作日');
    expect(byFile('nowait.bpmn')).to.contain('为零');
    expect(byFile('years.bpmn')).to.contain('3 年');
    expect(await snapshot(s.db, TABLES)).to.deep.equal(before);
  });

  it('Given a time limit from a variable, when a case asks for P20000D, then the step fails into an incident and no task with that limit is made', async () => {
    await s.engine.deploy([{ name: 'var-due.bpmn', content: withDue('varDue', '${limit}') }], { by: 'owner' });
    const staff = (await actorOf(s.db, 'staff'))!;
    const ok = await s.engine.start('varDue', { by: staff, variables: { limit: 'P750D' } });
    expect(ok.tasks).to.have.length(1);
    const tasksBefore = await snapshot(s.db, ['tasks']);
    const started = Date.now();
    const bad = await s.engine.start('varDue', { by: staff, variables: { limit: 'P20000D' } }).then(
      (r) => ({ instanceId: r.instance.id, tasks: r.tasks.length, error: null as any }),
      (err) => ({ instanceId: null, tasks: 0, error: err }),
    );
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(bad.tasks).to.equal(0);
    if (bad.error) expect(String(bad.error.message)).to.contain('750 个工作日');
    else {
      const incidents = await s.db('incidents').where({ instance_id: bad.instanceId });
      expect(incidents.map((i: any) => i.message).join('\n')).to.contain('750 个工作日');
    }
    expect(await snapshot(s.db, ['tasks'])).to.deep.equal(tasksBefore);
  });
});
