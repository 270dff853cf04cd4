import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * 投诉举报 (issue 18, item 6): a public report without signing in gets a receipt code, becomes a
 * complaint-handling case for supervision with a time limit, may open an accountability review,
 * and its reporter follows status and outcome by receipt only.
 */
const report = { subject: '监察大队执法人员态度恶劣', content: '2026年11月28日在某小区检查人防工程时，执法人员拒绝出示证件并索要好处。', unitId: 'inspection-brigade', contact: '13800000000' };

async function counts(s: TestServer) {
  const n = async (table: string) => Number((await s.db(table).count({ n: '*' }).first())!.n);
  return { complaints: await n('complaints'), instances: await n('process_instances'), audit: await n('audit_log') };
}

describe('投诉举报: complaints from the public to accountability (issue 18, item 6)', () => {
  let s: TestServer;
  let anonymous: Client;
  let supervisor: Client;
  let staff: Client;

  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  const verifyTask = async (receipt: string) => {
    const tasks = (await supervisor.get('/api/tasks?candidate=me')).body.items.filter((t: any) => t.processKey === 'complaint-handling' && t.businessKey === receipt);
    expect(tasks, `verify task of ${receipt}`).to.have.length(1);
    return tasks[0];
  };

  before(async () => {
    s = await startServer({ procedures: true });
    anonymous = s.anonymous();
    [supervisor, staff] = await Promise.all(['supervisor', 'staff'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('Given a report without signing in, it answers 201 with a receipt, and supervision has a case with a time limit', async () => {
    const res = await anonymous.post('/api/complaints', report);
    expect(res.status).to.equal(201);
    expect(Object.keys(res.body)).to.deep.equal(['receipt']);
    expect(res.body.receipt).to.match(/^TS[2-9A-HJ-NP-Z]{14}$/);
    // Then the reporter sees status only: not the content, the unit or the contact
    const status = await anonymous.get(`/api/complaints/${res.body.receipt}`);
    expect(status.status).to.equal(200);
    expect(status.body).to.include({ receipt: res.body.receipt, status: 'handling', statusLabel: '核查中', outcome: null });
    expect(status.text).to.not.contain('态度恶劣').and.not.contain('13800000000').and.not.contain('inspection-brigade');
    // And supervision has the verification task, due in 15 working days
    const task = await verifyTask(res.body.receipt);
    expect(task.name).to.equal('核查投诉举报并答复');
    expect(Date.parse(task.dueAt)).to.be.greaterThan(s.clock.now() + 14 * 86400_000);
    // And the list (supervision only) shows the contact; the audit names the complaint but not the contact
    const list = (await supervisor.get('/api/complaints?status=handling')).body.items;
    expect(list.find((c: any) => c.receipt === res.body.receipt)).to.include({ source: 'public', reporter: null, contact: '13800000000', unitId: 'inspection-brigade' });
    expect((await staff.get('/api/complaints')).status).to.equal(403);
    const audit = (await supervisor.get('/api/audit?action=complaint.submit')).body.items;
    expect(audit[0]).to.include({ actor: 'anonymous' });
    expect(JSON.stringify(audit[0])).to.not.contain('13800000000');
  });

  it('When supervision finds it founded and calls for accountability, the reporter sees the outcome and an accountability review is open', async () => {
    const { receipt } = (await anonymous.post('/api/complaints', report)).body;
    const task = await verifyTask(receipt);
    const done = await supervisor.post(`/api/tasks/${task.id}/complete`, { variables: { finding: 'accountability', outcome: '经调查，执法人员未出示证件属实，已责令整改并启动责任追究。' } });
    expect(done.status).to.equal(200);
    await settle();
    const status = (await anonymous.get(`/api/complaints/${receipt}`)).body;
    expect(status).to.include({ status: 'concluded', finding: 'accountability', findingLabel: '经核查属实，已启动责任追究', outcome: '经调查，执法人员未出示证件属实，已责令整改并启动责任追究。' });
    const review = await s.db('process_instances').where({ business_key: `COMPLAINT-${receipt}` }).first();
    expect(review).to.include({ process_key: 'accountability-review' });
    const c = await s.db('accountability_cases').where({ instance_id: review.id }).first();
    expect(c).to.include({ source: 'complaint', subject_kind: 'unit', unit_id: 'inspection-brigade', category: 5 });
  });

  it('When supervision finds it unfounded, it is concluded with the answer and no accountability case', async () => {
    const { receipt } = (await staff.post('/api/complaints', { subject: '工程处审批拖延', content: '我单位申请的人防工程竣工验收超过承诺时限。' })).body;
    const mine = (await supervisor.get('/api/complaints')).body.items.find((c: any) => c.receipt === receipt);
    expect(mine).to.include({ source: 'internal', reporter: 'staff' });
    const task = await verifyTask(receipt);
    await supervisor.post(`/api/tasks/${task.id}/complete`, { variables: { finding: 'unfounded', outcome: '经核查，该申请在承诺时限内办结。' } });
    await settle();
    expect((await anonymous.get(`/api/complaints/${receipt}`)).body).to.include({ status: 'concluded', finding: 'unfounded' });
    expect(await s.db('process_instances').where({ business_key: `COMPLAINT-${receipt}` }).first()).to.equal(undefined);
  });

  it('refuses bad input with 4xx (422 per field, 415, 400, 404) and changes nothing', async () => {
    const was = await counts(s);
    const missing = await anonymous.post('/api/complaints', { subject: '无内容' });
    expect(missing.status).to.equal(422);
    expect(missing.body.error.code).to.equal('VALIDATION_FAILED');
    expect(missing.body.error.details).to.deep.equal([{ field: 'content', message: '必填' }]);
    const badUnit = await anonymous.post('/api/complaints', { ...report, unitId: 'no-such-unit' });
    expect(badUnit.status).to.equal(422);
    expect(badUnit.body.error.details[0].field).to.equal('unitId');
    const extra = await anonymous.post('/api/complaints', { ...report, status: 'concluded' });
    expect(extra.status).to.equal(422);
    const wrongType = await anonymous.post('/api/complaints', { subject: 42, content: ['x'] });
    expect(wrongType.status).to.equal(422);
    const notJson = await anonymous.post('/api/complaints', undefined, { raw: 'subject=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).to.equal(415);
    expect((await anonymous.get('/api/complaints/abc')).body.error.code).to.equal('BAD_RECEIPT');
    const unknown = await anonymous.get('/api/complaints/TS23456789ABCDEF');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('COMPLAINT_NOT_FOUND');
    expect(await counts(s)).to.deep.equal(was);
  });

  it('rate-limits public reports per address (5 an hour): the sixth is 429 COMPLAINT_RATE_LIMITED with nothing changed; an hour later it is accepted', async () => {
    // Given this address has already reported twice this hour
    for (let i = 0; i < 3; i++) expect((await anonymous.post('/api/complaints', report)).status).to.equal(201);
    const was = await counts(s);
    const refused = await anonymous.post('/api/complaints', report);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('COMPLAINT_RATE_LIMITED');
    expect(await counts(s)).to.deep.equal(was);
    // A signed-in reporter is not rate-limited by address
    expect((await staff.post('/api/complaints', report)).status).to.equal(201);
    s.clock.advance(3600_000 + 1);
    expect((await anonymous.post('/api/complaints', report)).status).to.equal(201);
  });
});
