import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { PLATFORM_KEYS } from '../../src/domain/deployments/bootstrap.ts';
import { approvalBpmn, approvalFiles, applyForm } from './fixtures.ts';

describe('API: deployments, definitions and forms', () => {
  let s: TestServer;
  let owner: Client;
  let staff: Client;
  let leader: Client;

  before(async () => {
    // Small limits so that "too large" is cheap to provoke.
    s = await startServer({ limits: { deploymentBytes: 256 * 1024, deploymentFileBytes: 96 * 1024, deploymentFiles: 10 } });
    owner = await s.login('owner');
    staff = await s.login('staff');
    leader = await s.login('leader');
  });
  after(async () => {
    await s.close();
  });

  it('lets only process owners deploy (403 otherwise, 401 without a session)', async () => {
    const res = await staff.post('/api/deployments', { files: approvalFiles });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN');
    expect((await s.anonymous().post('/api/deployments', { files: approvalFiles })).status).to.equal(401);
    expect(await s.db('process_definitions').whereNotIn('key', PLATFORM_KEYS).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect(await s.db('deployment_proposals').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('proposes JSON files (202), a leader approves, the versions are made; unchanged files make no new version', async () => {
    const res = await owner.post('/api/deployments', { name: '测试部署', files: approvalFiles });
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ status: 'pending', approverGroup: 'leaders' });
    const made = res.body.items.map((i: any) => `${i.kind}:${i.key}:${i.version}`).sort();
    expect(made).to.deep.equal(['form:api-apply:1', 'form:api-approve:1', 'process:api-approval:1', 'process:api-heads-only:1', 'process:api-wait:1']);
    const approved = await leader.post(`/api/deployments/${res.body.id}/approve`, {});
    expect(approved.status).to.equal(200);
    expect(approved.body.status).to.equal('active');
    expect(approved.body.deploymentId).to.be.a('string');
    const again = await owner.post('/api/deployments', { files: approvalFiles });
    expect(again.status).to.equal(200);
    expect(again.body.id).to.equal(null);
    expect(again.body.items.every((i: any) => i.unchanged)).to.equal(true);
  });

  it('proposes multipart uploads; once approved, version 2 of a changed file is served', async () => {
    const form = new FormData();
    form.append('files', new Blob([approvalBpmn.replace('负责人审批', '负责人审核')], { type: 'application/octet-stream' }), 'api-approval.bpmn');
    form.append('name', '第二版');
    const res = await owner.post('/api/deployments', undefined, { raw: form });
    expect(res.status).to.equal(202);
    expect(res.body.items).to.have.length(1);
    expect(res.body.items[0]).to.include({ key: 'api-approval', version: 2, unchanged: false });
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意第二版' })).body.status).to.equal('active');
    const versions = await owner.get('/api/process-definitions/api-approval');
    expect(versions.status).to.equal(200);
    expect(versions.body.versions.map((v: any) => v.version)).to.deep.equal([2, 1]);
    const xml = await owner.get('/api/process-definitions/api-approval/xml');
    expect(xml.headers.get('content-type')).to.match(/application\/xml/);
    expect(xml.text).to.contain('负责人审核');
    const v1 = await owner.get('/api/process-definitions/api-approval/xml?version=1');
    expect(v1.text).to.contain('负责人审批');
    expect((await owner.get('/api/process-definitions/api-approval/xml?version=9')).status).to.equal(404);
  });

  it('refuses a bad deployment as a whole, listing every problem per file (400), and stores nothing', async () => {
    const before = await s.db('process_definitions').count({ n: '*' }).first();
    const proposalsBefore = await s.db('deployment_proposals').count({ n: '*' }).first();
    const res = await owner.post('/api/deployments', {
      files: [
        { name: 'broken.bpmn', content: '<bpmn:definitions><oops' },
        { name: 'bad.form', content: '{ not json' },
        { name: 'fine.form', content: applyForm.replace('事项名称', '名称') },
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    const files = new Set(res.body.error.details.map((d: any) => d.file));
    expect([...files].sort()).to.deep.equal(['bad.form', 'broken.bpmn']);
    expect(res.body.error.details.find((d: any) => d.file === 'broken.bpmn').line).to.be.a('number');
    expect(await s.db('process_definitions').count({ n: '*' }).first()).to.deep.equal(before);
    expect(await s.db('deployment_proposals').count({ n: '*' }).first()).to.deep.equal(proposalsBefore);
    expect((await owner.get('/api/forms/api-apply')).body.schema.components[0].label).to.equal('事项名称');
  });

  it('checks uploads for type and size (Art. 12): binary or wrongly typed 400, too large 413, not JSON/multipart 415', async () => {
    const png = new FormData();
    png.append('files', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])], { type: 'image/png' }), 'picture.bpmn');
    const typed = await owner.post('/api/deployments', undefined, { raw: png });
    expect(typed.status).to.equal(400);
    expect(typed.body.error.details[0]).to.include({ file: 'picture.bpmn' });
    expect(typed.body.error.details[0].message).to.match(/文件类型/);

    const binary = await owner.post('/api/deployments', { files: [{ name: 'x.bpmn', content: 'MZ\u0000\u0001binary' }] });
    expect(binary.status).to.equal(400);
    expect(binary.body.error.details[0].message).to.match(/二进制/);

    const latin1 = new FormData();
    latin1.append('files', new Blob([new Uint8Array([0x3c, 0x61, 0xe9, 0xff, 0x3e])], { type: 'text/xml' }), 'latin.bpmn');
    const notUtf8 = await owner.post('/api/deployments', undefined, { raw: latin1 });
    expect(notUtf8.status).to.equal(400);
    expect(notUtf8.body.error.details[0].message).to.match(/UTF-8/);

    const big = new FormData();
    big.append('files', new Blob(['<a>' + 'x'.repeat(120 * 1024) + '</a>'], { type: 'text/xml' }), 'big.bpmn');
    const tooBig = await owner.post('/api/deployments', undefined, { raw: big });
    expect(tooBig.status).to.equal(413);
    expect(tooBig.body.error.code).to.equal('PAYLOAD_TOO_LARGE');

    const bigJson = await owner.post('/api/deployments', { files: [{ name: 'big.bpmn', content: 'x'.repeat(300 * 1024) }] });
    expect(bigJson.status).to.equal(413);

    const many = await owner.post('/api/deployments', { files: Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.form`, content: applyForm })) });
    expect(many.status).to.equal(413);

    const text = await owner.post('/api/deployments', undefined, { raw: '<xml/>', headers: { 'content-type': 'text/xml' } });
    expect(text.status).to.equal(415);
    expect(text.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');

    const empty = await owner.post('/api/deployments', { files: [] });
    expect(empty.status).to.equal(400);
    expect(empty.body.error.details[0].field).to.equal('files');
  });

  it('lists the latest definitions with whether the caller may start them (candidateStarterGroups)', async () => {
    const forStaff = await staff.get('/api/process-definitions');
    expect(forStaff.status).to.equal(200);
    const byKey = Object.fromEntries(forStaff.body.items.map((d: any) => [d.key, d]));
    expect(byKey['api-approval']).to.include({ version: 2, canStart: true, startFormKey: 'api-apply' });
    expect(byKey['api-heads-only']).to.include({ canStart: false });
    expect(byKey['api-heads-only'].starterGroups).to.deep.equal(['unit-heads']);
    const head = await s.login('head');
    const forHead = await head.get('/api/process-definitions');
    expect(forHead.body.items.find((d: any) => d.key === 'api-heads-only').canStart).to.equal(true);

    const refused = await staff.post('/api/process-definitions/api-heads-only/start', {});
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('NOT_STARTER');
    expect((await head.post('/api/process-definitions/api-heads-only/start', {})).status).to.equal(201);
    const unknown = await staff.post('/api/process-definitions/nope/start', {});
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('PROCESS_NOT_FOUND');
  });

  it('serves start forms and forms; 404 for unknown ones; 422 for a start that breaks the start form', async () => {
    const sf = await staff.get('/api/process-definitions/api-approval/start-form');
    expect(sf.status).to.equal(200);
    expect(sf.body).to.include({ processKey: 'api-approval', formKey: 'api-apply', canStart: true });
    expect(sf.body.form.schema.components[0].key).to.equal('title');
    expect((await staff.get('/api/process-definitions/nope/start-form')).status).to.equal(404);
    const form = await staff.get('/api/forms/api-approve');
    expect(form.body).to.include({ key: 'api-approve', version: 1 });
    const missing = await staff.get('/api/forms/nope');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('FORM_NOT_FOUND');

    const bad = await staff.post('/api/process-definitions/api-approval/start', { variables: { amount: 'many' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).to.deep.equal(['amount', 'title']);
    const badBody = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 42 });
    expect(badBody.status).to.equal(400);
    expect(await s.db('process_instances').where({ process_key: 'api-approval' }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('audits each proposal, approval and activation with the versions it made', async () => {
    const sup = await s.login('supervisor');
    const proposed = (await sup.get('/api/audit?action=deployment.propose')).body.items;
    expect(proposed).to.have.length(2);
    expect(proposed.every((r: any) => r.actor === 'owner')).to.equal(true);
    const approvals = (await sup.get('/api/audit?action=deployment.approve')).body.items;
    expect(approvals.map((r: any) => r.actor)).to.deep.equal(['leader', 'leader']);
    const activations = (await sup.get('/api/audit?action=deployment.activate')).body.items;
    expect(activations).to.have.length(2);
    expect(activations[0].after).to.include({ proposedBy: 'owner', approvedBy: 'leader', comment: '同意第二版' });
    expect(activations[0].after.items).to.deep.equal([{ file: 'api-approval.bpmn', kind: 'process', key: 'api-approval', version: 2 }]);
  });
});
