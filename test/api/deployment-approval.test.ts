import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { verifyAudit } from '../../src/domain/audit.ts';
import { bootstrapDeployments } from '../../src/domain/deployments/bootstrap.ts';
import { SYSTEM } from '../../src/engine/types.ts';
import { grant } from '../../src/store/org.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { root } from '../helpers/procedures.ts';

/**
 * Four eyes on deployments (issue 10, finding 1): a process owner's deploy is a pending proposal
 * that runs nothing until a second person from another group approves it through the
 * platform-deployment procedure; message names that start a regulation procedure are reserved.
 */
const fourEyesBpmn = (name: string) =>
  process('api-four-eyes', `
  <bpmn:startEvent id="start" name="开始" />
  ${flow('f1', 'start', 'work')}
  ${userTask('work', name, 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'work', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`);

/** The attack: a second message start on accountability-open makes automatic accountability ambiguous. */
const hijackBpmn = process(
  'owner-hijack',
  `
  <bpmn:startEvent id="start" name="自动立案"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:startEvent>
  ${flow('f1', 'start', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
  { messages: { Msg: 'accountability-open' } },
);

async function counts(s: TestServer) {
  const n = async (table: string, where: Record<string, unknown> = {}) => Number((await s.db(table).where(where).count({ n: '*' }).first())!.n);
  return {
    definitions: await n('process_definitions'),
    proposals: await n('deployment_proposals'),
    pending: await n('deployment_proposals', { status: 'pending' }),
    audit: await n('audit_log'),
  };
}

describe('API: deployments are proposals approved by a second person (four eyes)', () => {
  let s: TestServer;
  let owner: Client;
  let leader: Client;
  let leader2: Client;
  let staff: Client;

  before(async () => {
    s = await startServer({ procedures: true });
    [owner, leader, staff] = await Promise.all(['owner', 'leader', 'staff'].map((u) => s.login(u)));
    // leader2 is also a process owner: a colleague of the proposer in the deploying group.
    await grant(s.db, 'leader2', 'process-owners', 'test', s.clock.now());
    leader2 = await s.login('leader2');
  });
  after(async () => {
    await s.close();
  });

  it('Given a checked proposal (202), nothing of it runs before approval; approvers list it; a leader approves and the new version starts', async () => {
    // When the owner deploys a new process
    const res = await owner.post('/api/deployments', { name: '四眼测试', files: [{ name: 'api-four-eyes.bpmn', content: fourEyesBpmn('第一版办理') }] });
    // Then it is a pending proposal, routed to the leaders
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ status: 'pending', approverGroup: 'leaders' });
    expect(res.body.items).to.deep.equal([{ file: 'api-four-eyes.bpmn', kind: 'process', key: 'api-four-eyes', version: 1, id: 'api-four-eyes:1', unchanged: false }]);
    // and starting it answers as before any deploy
    const early = await staff.post('/api/process-definitions/api-four-eyes/start', {});
    expect(early.status).to.equal(404);
    expect(early.body.error.code).to.equal('PROCESS_NOT_FOUND');
    // and the leaders see it in the pending list and as a task in their inbox; staff may not list it
    const listed = await leader.get('/api/deployments?status=pending');
    expect(listed.status).to.equal(200);
    const mine = listed.body.items.find((p: any) => p.id === res.body.id);
    expect(mine).to.include({ proposedBy: 'owner', status: 'pending', name: '四眼测试' });
    const inbox = (await leader.get('/api/tasks?candidate=me')).body.items.filter((t: any) => t.processKey === 'platform-deployment');
    expect(inbox.map((t: any) => t.businessKey)).to.include(res.body.id);
    expect((await staff.get('/api/deployments?status=pending')).status).to.equal(403);
    const detail = await leader.get(`/api/deployments/${res.body.id}`);
    expect(detail.body.files[0]).to.include({ file: 'api-four-eyes.bpmn', previous: null });
    expect(detail.body.files[0].content).to.contain('第一版办理');

    // When a leader approves
    const approved = await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意上线' });
    // Then it is active and the new version starts
    expect(approved.status).to.equal(200);
    expect(approved.body).to.include({ status: 'active', decidedBy: 'leader', comment: '同意上线' });
    const started = await staff.post('/api/process-definitions/api-four-eyes/start', {});
    expect(started.status).to.equal(201);
    expect(started.body.definitionId).to.equal('api-four-eyes:1');
    expect((await leader.get('/api/deployments?status=pending')).body.items.map((p: any) => p.id)).to.not.include(res.body.id);
  });

  it('Given a proposed change of an existing process, starts use the old version until approval, and deciding twice is 409 PROPOSAL_DECIDED', async () => {
    const res = await owner.post('/api/deployments', { files: [{ name: 'api-four-eyes.bpmn', content: fourEyesBpmn('第二版办理') }] });
    expect(res.status).to.equal(202);
    const before = await staff.post('/api/process-definitions/api-four-eyes/start', {});
    expect(before.body.definitionId).to.equal('api-four-eyes:1');
    expect((await leader2.post(`/api/deployments/${res.body.id}/approve`, {})).status).to.equal(403);
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, {})).body.status).to.equal('active');
    const after = await staff.post('/api/process-definitions/api-four-eyes/start', {});
    expect(after.body.definitionId).to.equal('api-four-eyes:2');
    // When the second leader decides too
    const was = await counts(s);
    const twice = await leader2.post(`/api/deployments/${res.body.id}/reject`, { comment: '晚了' });
    const again = await leader.post(`/api/deployments/${res.body.id}/approve`, {});
    // Then both are refused, and nothing changed
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal('PROPOSAL_DECIDED');
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('PROPOSAL_DECIDED');
    expect(await counts(s)).to.deep.equal(was);
  });

  it('refuses the proposer (403) and a member of the proposer’s group (403 SEPARATION_OF_DUTIES), on the endpoint and in the inbox; nothing changes', async () => {
    const res = await owner.post('/api/deployments', { files: [{ name: 'api-four-eyes.bpmn', content: fourEyesBpmn('第三版办理') }] });
    expect(res.status).to.equal(202);
    const was = await counts(s);
    const self = await owner.post(`/api/deployments/${res.body.id}/approve`, {});
    expect(self.status).to.equal(403);
    const colleague = await leader2.post(`/api/deployments/${res.body.id}/approve`, {});
    expect(colleague.status).to.equal(403);
    expect(colleague.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    const task = (await leader.get(`/api/deployments/${res.body.id}`)).body.taskId;
    const viaInbox = await leader2.post(`/api/tasks/${task}/complete`, { variables: { decision: 'approve' } });
    expect(viaInbox.status).to.equal(403);
    expect(viaInbox.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    expect((await owner.post(`/api/tasks/${task}/complete`, { variables: { decision: 'approve' } })).status).to.equal(403);
    expect(await counts(s)).to.deep.equal(was);
    expect((await staff.post('/api/process-definitions/api-four-eyes/start', {})).body.definitionId).to.equal('api-four-eyes:2');
  });

  it('rejects with a comment (a rejection without one is 400): the proposal never takes effect and the rejection is audited', async () => {
    const [pending] = (await leader.get('/api/deployments?status=pending')).body.items;
    const bare = await leader.post(`/api/deployments/${pending.id}/reject`, {});
    expect(bare.status).to.equal(400);
    const rejected = await leader.post(`/api/deployments/${pending.id}/reject`, { comment: '第三版办理人不明确，请修改' });
    expect(rejected.status).to.equal(200);
    expect(rejected.body).to.include({ status: 'rejected', decidedBy: 'leader', comment: '第三版办理人不明确，请修改', deploymentId: null });
    expect(await s.db('process_definitions').where({ key: 'api-four-eyes' }).max({ v: 'version' }).first()).to.deep.equal({ v: 2 });
    const sup = await s.login('supervisor');
    const audit = (await sup.get('/api/audit?action=deployment.rejected')).body.items;
    expect(audit[0].after).to.include({ proposedBy: 'owner', rejectedBy: 'leader' });
  });

  it('refuses a message start named like a regulation procedure’s (accountability-open) with 400; correlation stays unambiguous', async () => {
    const was = await counts(s);
    const res = await owner.post('/api/deployments', { files: [{ name: 'owner-hijack.bpmn', content: hijackBpmn }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    expect(res.body.error.details[0].message).to.match(/消息名称“accountability-open”保留给规章流程 accountability-review/);
    expect(await counts(s)).to.deep.equal(was);
    // The engine path refuses it too (a CLI or start-up deploy cannot bypass the reservation)
    let refused: any;
    await s.engine.deploy([{ name: 'owner-hijack.bpmn', content: hijackBpmn }], { by: 'owner' }).catch((e) => (refused = e));
    expect(refused?.code).to.equal('DEPLOYMENT_INVALID');
    // And automatic accountability still opens one case of the right procedure
    const opened = await s.engine.correlateMessage('accountability-open', { businessKey: 'FOUR-EYES-1', by: SYSTEM, variables: { reason: '测试' } });
    expect(opened.started).to.equal(true);
    expect(opened.instance.processKey).to.equal('accountability-review');
  });

  it('keeps a redeploy of user-role-change without its approvals pending: starts still run the approved version', async () => {
    const file = path.join(root, 'processes', 'user-role-change.bpmn');
    const stripped = fs.readFileSync(file, 'utf8').replace('name="用户及权限变更（第九条）"', 'name="用户及权限变更（无审批）"');
    const res = await owner.post('/api/deployments', { files: [{ name: 'user-role-change.bpmn', content: stripped }] });
    expect(res.status).to.equal(202);
    const latest = await s.db('process_definitions').where({ key: 'user-role-change' }).max({ v: 'version' }).first();
    expect(latest).to.deep.equal({ v: 1 });
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('on an existing database, a changed file in processes/ becomes one pending proposal by system at start-up, not a silent deploy', async () => {
    // Given a server directory whose fault-report.bpmn was edited on disk
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-boot-'));
    fs.cpSync(path.join(root, 'processes'), path.join(dir, 'processes'), { recursive: true });
    const edited = path.join(dir, 'processes', 'fault-report.bpmn');
    fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('故障报修（第十条）', '故障报修（第十条，已改）'));
    const versionBefore = await s.db('process_definitions').where({ key: 'fault-report' }).max({ v: 'version' }).first();
    // When the server starts (twice: a restart, or a second node)
    const first = await bootstrapDeployments(s.engine, path.join(dir, 'processes'), path.join(root, 'forms'));
    const second = await bootstrapDeployments(s.engine, path.join(dir, 'processes'), path.join(root, 'forms'));
    // Then one proposal by system waits for the leaders, and the running version is unchanged
    expect(first.mode).to.equal('proposal');
    const proposal = first.mode === 'proposal' ? first.proposal : null;
    expect(proposal?.status).to.equal('pending');
    expect(second.mode === 'proposal' && second.proposal.id).to.equal(proposal?.id);
    expect(proposal?.items.filter((i) => !i.unchanged).map((i) => i.key)).to.deep.equal(['fault-report']);
    const row = (await leader.get('/api/deployments?status=pending')).body.items.find((p: any) => p.id === proposal?.id);
    expect(row).to.include({ proposedBy: 'system', approverGroup: 'leaders', source: 'startup' });
    expect(await s.db('process_definitions').where({ key: 'fault-report' }).max({ v: 'version' }).first()).to.deep.equal(versionBefore);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
