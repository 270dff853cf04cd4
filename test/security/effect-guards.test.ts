import { expect } from 'chai';
import { actorOf } from '../../src/domain/org.ts';
import { GUARDS } from '../../src/services/guards.ts';
import { HANDLERS } from '../../src/services/index.ts';
import { registerHandlers } from '../../src/services/index.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

/**
 * Finding 1 of issue 10, "effect handlers guard themselves": a diagram that names an effect
 * handler gains nothing. Each handler declares the procedures that may call it and the approvals
 * the calling instance must show (src/services/guards.ts); anything else is an incident, an
 * `effect.refused` audit row, and no change.
 */

/** Everything an effect handler could change: compared whole before and after an attack. */
const DOMAIN_TABLES = [
  'users',
  'memberships',
  'org_changes',
  'power_items',
  'power_item_versions',
  'power_records',
  'self_built_projects',
  'record_archive',
  'accountability_cases',
  'appraisal_records',
  'fault_reports',
  'penalty_cases',
];

async function snapshot(s: TestServer): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of DOMAIN_TABLES) out[t] = await s.db(t).select('*').orderByRaw('1');
  return out;
}

async function auditActions(s: TestServer, afterSeq: number): Promise<string[]> {
  return (await s.db('audit_log').where('seq', '>', afterSeq).orderBy('seq').select('action')).map((r: any) => r.action);
}

async function auditSeq(s: TestServer): Promise<number> {
  return Number((await s.db('audit_log').max({ m: 'seq' }).first())?.m ?? 0);
}

/** start → serviceTask(topic) → end, optionally with a start form. */
function direct(key: string, topic: string, formKey?: string): string {
  return process(
    key,
    `<bpmn:startEvent id="Start" ${formKey ? `camunda:formKey="${formKey}"` : ''} />
     <bpmn:serviceTask id="Task_Effect" name="效果" camunda:type="external" camunda:topic="${topic}" />
     <bpmn:endEvent id="End" />
     ${flow('f1', 'Start', 'Task_Effect')}
     ${flow('f2', 'Task_Effect', 'End')}`,
  );
}

const grantMyself = {
  branch: 'department',
  unitId: 'general-office',
  reason: '流程管理员需要审批权限以便测试流程',
  changes: [{ op: 'grant', userId: 'owner', groups: ['supervision', 'leaders'] }],
};

describe('security: effect handlers guard themselves (issue 10, finding 1)', () => {
  let s: TestServer;

  before(async () => {
    s = await startServer({ procedures: true });
  });
  after(() => s.close());

  /** Runs the instance's jobs and returns its open incidents. */
  async function runJobs(instanceId: string) {
    await s.engine.jobs.runDue();
    return s.engine.incidents({ instanceId, status: 'open' });
  }

  it('Given a diagram start → org.applyChanges → end, When the owner starts it granting themselves supervision and leaders, Then the call is refused: an incident, an effect.refused audit row, and no role, user or org_changes row changed', async () => {
    // Given: the diagram is active (here deployed directly, as if a reviewer had let it through)
    await s.engine.deploy([{ name: 'grant-me.bpmn', content: direct('grant-me', 'org.applyChanges', 'user-role-change-apply') }], { by: 'owner' });
    const owner = await s.login('owner');
    const before = await snapshot(s);
    const seq = await auditSeq(s);

    // When
    const started = await owner.post('/api/process-definitions/grant-me/start', { variables: grantMyself });
    expect(started.status).to.equal(201);
    const instanceId = started.body.id ?? started.body.instance?.id;
    const incidents = await runJobs(instanceId);

    // Then: refused at once (no retries left), with the reason
    expect(incidents).to.have.length(1);
    expect(incidents[0].type).to.equal('effectRefused');
    expect(incidents[0].message).to.contain('org.applyChanges').and.to.contain('grant-me');
    const job = (await s.engine.jobsOf(instanceId))[0];
    expect(job).to.include({ retries: 0, dueAt: null });
    // nothing changed
    expect((await actorOf(s.db, 'owner'))!.groups).to.deep.equal(['process-owners', 'staff']);
    expect(await snapshot(s)).to.deep.equal(before);
    expect((await s.engine.getInstance(instanceId))!.status).to.equal('running');
    // and the audit trail says who tried what
    expect(await auditActions(s, seq)).to.deep.equal(['process.start', 'effect.refused']);
    const refused = await s.db('audit_log').where({ action: 'effect.refused' }).orderBy('seq', 'desc').first();
    expect(JSON.parse(refused.after)).to.deep.include({ topic: 'org.applyChanges', requestedBy: 'owner', processKey: 'grant-me' });
    const verify = await (await s.login('supervisor')).get('/api/audit/verify');
    expect(verify.body.ok).to.equal(true);

    // A retry by an operator is refused the same way: the history has not changed
    await s.engine.retryIncident(incidents[0].id, { by: { id: 'supervisor', groups: ['supervision'] } });
    expect(await runJobs(instanceId)).to.have.length(1);
    expect(await snapshot(s)).to.deep.equal(before);
  });

  it('Given the same attack on every other effect handler, Then each is refused and no domain row changes', async () => {
    const topics = Object.keys(HANDLERS).filter((t) => GUARDS[t].effect && t !== 'org.applyChanges');
    expect(topics).to.include.members(['records.archiveDeletion', 'catalog.applyChange', 'appraisal.enter', 'penalty.close', 'fault.close']);
    const owner = await s.login('owner');
    for (const topic of topics) {
      const key = `attack-${topic.replace(/\./g, '-').toLowerCase()}`;
      await s.engine.deploy([{ name: `${key}.bpmn`, content: direct(key, topic) }], { by: 'owner' });
      const before = await snapshot(s);
      const seq = await auditSeq(s);
      const started = await owner.post(`/api/process-definitions/${key}/start`, {
        variables: { itemCode: 'XK-0002', changeType: 'retire', applicant: 'owner', targets: [], outcome: 'rectify', serious: false, reporter: 'owner' },
      });
      expect(started.status, topic).to.equal(201);
      const incidents = await runJobs(started.body.id ?? started.body.instance?.id);
      expect(incidents.map((i) => i.type), topic).to.deep.equal(['effectRefused']);
      expect(await snapshot(s), topic).to.deep.equal(before);
      expect(await auditActions(s, seq), topic).to.deep.equal(['process.start', 'effect.refused']);
    }
  });

  it('Given the shipped user-role-change, When it runs with its approvals, Then the effect writes its own audit row naming who asked and who approved', async () => {
    const as = async (id: string) => (await actorOf(s.db, id))!;
    const seq = await auditSeq(s);
    const { instance } = await s.engine.start('user-role-change', {
      by: await as('head'),
      variables: { ...grantMyself, unitId: 'inspection-brigade', reason: '大队内勤调整为平台联络员', changes: [{ op: 'grant', userId: 'staff', groups: ['unit-contacts'] }] },
    });
    await s.engine.jobs.runDue();
    const complete = async (element: string, who: string, variables: Record<string, unknown>) => {
      const task = (await s.engine.tasksOfInstance(instance.id)).find((t) => t.elementId === element && t.status === 'open')!;
      await s.engine.complete(task.id, { by: await as(who), variables });
      await s.engine.jobs.runDue();
    };
    await complete('Task_LeaderApproval', 'leader', { decision: 'approve', comment: '同意' });
    await complete('Task_Filing', 'supervisor', { decision: 'approve', comment: '已备案' });
    await complete('Task_VendorApply', 'vendor', { applied: true, vendorNote: '已调整' });
    expect((await s.engine.getInstance(instance.id))!.status).to.equal('completed');
    const row = await s.db('audit_log').where('seq', '>', seq).where({ action: 'effect.org.applyChanges' }).first();
    const after = JSON.parse(row.after);
    expect(after.requestedBy).to.equal('head');
    expect(after.approvedBy.map((a: any) => [a.element, a.by])).to.deep.equal([
      ['Task_LeaderApproval', 'leader'],
      ['Task_Filing', 'supervisor'],
      ['Task_VendorApply', 'vendor'],
    ]);
    expect(after.changed.changes).to.deep.equal([{ op: 'grant', userId: 'staff', groups: ['unit-contacts'] }]);
    expect(row.instance_id).to.equal(instance.id);
  });

  it('Given a redeployed user-role-change whose approval steps anyone may do, When non-members approve, Then the call is refused and no role changes', async () => {
    // The process key is right, but the approvers are not leaders, supervision or vendor
    const approve = (id: string) =>
      userTask(id, id, 'camunda:candidateUsers="staff2"');
    const fake = process(
      'user-role-change',
      `<bpmn:startEvent id="Start" camunda:formKey="user-role-change-apply" />
       ${approve('Task_LeaderApproval')}
       ${approve('Task_Filing')}
       ${approve('Task_VendorApply')}
       <bpmn:serviceTask id="Task_ApplyChanges" name="更新" camunda:type="external" camunda:topic="org.applyChanges" />
       <bpmn:endEvent id="End" />
       ${flow('f1', 'Start', 'Task_LeaderApproval')}
       ${flow('f2', 'Task_LeaderApproval', 'Task_Filing')}
       ${flow('f3', 'Task_Filing', 'Task_VendorApply')}
       ${flow('f4', 'Task_VendorApply', 'Task_ApplyChanges')}
       ${flow('f5', 'Task_ApplyChanges', 'End')}`,
    );
    await s.engine.deploy([{ name: 'user-role-change.bpmn', content: fake }], { by: 'owner' });
    const owner = await s.login('owner');
    const accomplice = await s.login('staff2');
    const before = await snapshot(s);
    const started = await owner.post('/api/process-definitions/user-role-change/start', { variables: grantMyself });
    const instanceId = started.body.id ?? started.body.instance?.id;
    for (const element of ['Task_LeaderApproval', 'Task_Filing', 'Task_VendorApply']) {
      const task = (await s.engine.tasksOfInstance(instanceId)).find((t) => t.elementId === element && t.status === 'open')!;
      expect((await accomplice.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve' } })).status).to.equal(200);
    }
    const incidents = await runJobs(instanceId);
    expect(incidents.map((i) => i.type)).to.deep.equal(['effectRefused']);
    expect(incidents[0].message).to.contain('Task_LeaderApproval');
    expect(await snapshot(s)).to.deep.equal(before);
    expect((await actorOf(s.db, 'owner'))!.groups).to.deep.equal(['process-owners', 'staff']);
  });

  it('refuses to register a handler without a guard, and accepts a guard whose handler is not registered', () => {
    expect(() => registerHandlers({ db: s.db, engine: s.engine, clock: s.clock }, { 'org.unguarded': () => ({}) })).to.throw(/org\.unguarded/);
    expect(GUARDS['platform.activateDeployment'].processKeys).to.deep.equal(['platform-deployment']);
    expect(() => registerHandlers({ db: s.db, engine: s.engine, clock: s.clock })).not.to.throw();
  });
});
