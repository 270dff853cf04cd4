import { expect } from 'chai';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

const waiting = process(
  'api-sig-catch',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'alert')}
  <bpmn:intermediateCatchEvent id="alert" name="等待停电通知"><bpmn:signalEventDefinition signalRef="S_outage" /></bpmn:intermediateCatchEvent>
  ${flow('f2', 'alert', 'check')}
  ${userTask('check', '检查机房', 'camunda:candidateGroups="process-owners"')}
  ${flow('f3', 'check', 'end')}
  <bpmn:endEvent id="end" />`,
).replace('<bpmn:process', '<bpmn:signal id="S_outage" name="power-outage" />\n  <bpmn:process');

describe('API: POST /api/signals/:name broadcasts a signal (supervision and process owners, audited)', () => {
  let s: TestServer;
  let staff: Client;
  let sup: Client;

  before(async () => {
    s = await startServer();
    await s.engine.deploy([{ name: 'api-sig.bpmn', content: waiting }], { by: 'owner' });
    [staff, sup] = await Promise.all(['staff', 'supervisor'].map((u) => s.login(u)));
  });
  after(async () => s.close());

  const signalJobs = async () => Number((await s.db('jobs').whereIn('type', ['signal', 'signal-deliver']).count({ c: '*' }))[0].c);
  const audits = async () => (await s.db('audit_log').where({ action: 'signal.broadcast' })).length;

  it('refuses a person outside supervision and the process owners, and queues nothing', async () => {
    const res = await staff.post('/api/signals/power-outage', { variables: { zone: 'A' } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('SIGNAL_FORBIDDEN');
    expect(await signalJobs()).to.equal(0);
    expect(await audits()).to.equal(0);
  });

  it('supervision broadcasts: 202, one audit row, and the waiting instance goes on with the variables', async () => {
    const { instance } = await s.engine.start('api-sig-catch', { by: { id: 'staff', groups: [] } });
    const res = await sup.post('/api/signals/power-outage', { variables: { zone: 'A' } });
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ signal: 'power-outage', status: 'queued' });
    expect(await audits()).to.equal(1);
    for (let i = 0; i < 20 && (await signalJobs()) > 0; i++) await s.engine.jobs.runDue();
    const tasks = await s.engine.tasksOfInstance(instance.id);
    expect(tasks.map((t) => [t.elementId, t.status])).to.deep.equal([['check', 'open']]);
    expect((await s.engine.getInstance(instance.id))!.variables).to.deep.equal({ zone: 'A' });
  });
});
