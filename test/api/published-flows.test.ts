import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { download, pdfPages } from '../helpers/pdf.ts';

/**
 * The published 权力运行流程图 is public like the complaint page (issue 18, item 1): anyone without
 * signing in lists the items in force and reads each flow with its 廉政风险点, as page data and PDF —
 * read-only, only items in force, and nothing of how the flow is run internally (who handles a
 * step, groups, forms, conditions, officers' names).
 */
describe('API: the published 权力运行流程图 without sign-in', () => {
  let s: TestServer;
  let anon: Client;
  let staff: Client;
  let people: Array<{ id: string; display_name: string }>;

  before(async () => {
    s = await startServer({ procedures: true });
    anon = s.anonymous();
    staff = await s.login('staff');
    people = await s.db('users').select('id', 'display_name');
  });
  after(async () => {
    await s.close();
  });

  it('Given no session, the list of published flows names the items in force (code, name, category, unit) and nothing else', async () => {
    const res = await anon.get('/api/published-flows');
    expect(res.status, res.text).to.equal(200);
    const cf = res.body.items.find((i: { code: string }) => i.code === 'CF-0001');
    expect(cf).to.have.all.keys('code', 'name', 'category', 'unitName');
    expect(res.body.items.length).to.equal(Number((await s.db('power_items').where({ status: 'active' }).count({ n: '*' }).first())!.n));
  });

  it('Given no session, the penalty item’s flow shows steps, layout and risk points, but no handlers, groups, forms, conditions or officers', async () => {
    const res = await anon.get('/api/power-items/CF-0001/flow-diagram');
    expect(res.status, res.text).to.equal(200);
    const { xml } = res.body;
    expect(xml).to.contain('bpmndi:BPMNDiagram');
    expect(xml).to.contain('name="调查取证"');
    expect(xml).to.contain('name="riskLevel" value="高"');
    for (const internal of ['candidateGroups', 'candidateUsers', 'assignee', 'formKey', 'camunda:class', 'camunda:expression', 'conditionExpression', '${', 'riskRule', 'separationOfDuties', 'dueDate'])
      expect(xml, internal).to.not.contain(internal);
    const body = JSON.stringify(res.body);
    for (const p of people) {
      expect(body, p.display_name).to.not.contain(p.display_name);
      expect(xml, p.id).to.not.match(new RegExp(`["'>]${p.id}["'<]`));
    }
    // Monitoring rules are named in Chinese; codes that are no rule are left out
    const rules = res.body.riskPoints.flatMap((p: { rules: string[] }) => p.rules);
    expect(rules).to.include('同一人连续审查');
    for (const r of rules) expect(r).to.match(/[\u4e00-\u9fff]/);
  });

  it('Given no session, the PDF prints the same document, without officers’ names', async () => {
    const pdf = await download(anon, '/api/power-items/CF-0001/flow-diagram.pdf');
    expect(pdf.status).to.equal(200);
    expect(pdf.contentType).to.equal('application/pdf');
    const text = (await pdfPages(pdf.bytes)).join('\n').replace(/\s+/g, '');
    expect(text).to.include('廉政风险点及防控措施');
    for (const p of people) expect(text, p.display_name).to.not.include(p.display_name);
  });

  it('Given a retired item, without a session it is unknown (404 POWER_ITEM_NOT_FOUND) and not listed; signed in it is still shown', async () => {
    const item = await s.db('power_items').where({ status: 'active' }).whereNot({ code: 'CF-0001' }).first();
    await s.db('power_items').where({ code: item.code }).update({ status: 'retired' });
    try {
      for (const path of [`/api/power-items/${item.code}/flow-diagram`, `/api/power-items/${item.code}/flow-diagram.pdf`]) {
        const res = await anon.get(path);
        expect(res.status, path).to.equal(404);
        expect(res.body.error.code).to.equal('POWER_ITEM_NOT_FOUND');
      }
      expect((await anon.get('/api/published-flows')).body.items.map((i: { code: string }) => i.code)).to.not.include(item.code);
      expect((await staff.get(`/api/power-items/${item.code}/flow-diagram`)).status).to.equal(200);
    } finally {
      await s.db('power_items').where({ code: item.code }).update({ status: 'active' });
    }
  });

  it('a stale token is read as no session (the public page still works); everything else still needs signing in (401)', async () => {
    const stale = await s.login('staff2');
    await stale.post('/api/auth/logout', {});
    expect((await stale.get('/api/power-items/CF-0001/flow-diagram')).status).to.equal(200);
    for (const path of ['/api/power-items', '/api/power-items/CF-0001', '/api/process-definitions/penalty-case', '/api/monitoring-rules']) {
      const res = await anon.get(path);
      expect(res.status, path).to.equal(401);
    }
    const write = await anon.post('/api/power-items/CF-0001/flow-diagram', {});
    expect(write.status).to.be.oneOf([401, 404, 405]);
  });
});
