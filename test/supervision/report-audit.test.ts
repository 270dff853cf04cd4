import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

/**
 * The compliance report from what happened (issue 18, item 5): Art. 8 reads the deployments
 * against their approved proposals, Art. 11 the passwords set by others against approved resets,
 * so a constructed bypass shows as 不符合 with its evidence and never as 符合.
 */
const bpmn = (id: string, label: string) =>
  process(id, `
  <bpmn:startEvent id="start" name="开始" />
  ${flow('f1', 'start', 'work')}
  ${userTask('work', label, 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'work', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`);

describe('compliance report from the audit trail: Art. 8 and 11 bypasses are 不符合 (issue 18, item 5)', () => {
  let s: TestServer;
  let sup: Client;

  const article = async (n: number) => {
    const report = await sup.get('/api/compliance/report?from=2026-12-01&to=2026-12-31');
    expect(report.status).to.equal(200);
    return report.body.articles.find((a: any) => a.article === n);
  };

  before(async () => {
    s = await startServer({ procedures: true });
    sup = await s.login('supervisor');
  });
  after(async () => {
    await s.close();
  });

  it('Given only approved deployments (and the start-up install), Art. 8 says they were all approved', async () => {
    await deployViaApi(s, [{ name: 'audit-clean.bpmn', content: bpmn('audit-clean', '办理') }]);
    const a = await article(8);
    const texts = a.findings.map((f: any) => `${f.status}:${f.text}`);
    expect(texts).to.include('ok:本期流程部署 2 次，均经第二人审批（或为平台启动时安装）');
    expect(texts.join('\n')).to.not.contain('不符合');
  });

  it('Given a process version deployed by a person around the proposal, Art. 8 is 不符合 naming who, when and which version', async () => {
    // The bypass: the engine's deploy called directly (a console, a script), no proposal, no approval
    const res = await s.engine.deploy([{ name: 'audit-clean.bpmn', content: bpmn('audit-clean', '办理（未经审批修改）') }], { by: 'owner' });
    const a = await article(8);
    expect(a.status).to.equal('attention');
    const bad = a.findings.filter((f: any) => f.status === 'attention').map((f: any) => f.text);
    expect(bad).to.deep.equal([`不符合：1 次流程部署未经第二人审批：owner 于 2026-12-01 部署 audit-clean 第 2 版（部署 ${res.id}）`]);
  });

  it('Given an owner changing their own password, Art. 11 shows no takeover', async () => {
    await s.auth.setPassword('staff2', 'Kq7#pLm2vR9!zz', { mustChange: false, by: 'staff2' });
    const a = await article(11);
    expect(a.findings.map((f: any) => f.text).join('\n')).to.not.contain('不符合');
  });

  it('Given an account that had signed in, its password set by another without an approved reset, Art. 11 is 不符合 with who and whose', async () => {
    await s.login('staff3');
    s.clock.advance(60_000);
    await s.auth.setPassword('staff3', 'Zt5$wQn8kP3!xy', { mustChange: false, by: 'admin' });
    const a = await article(11);
    expect(a.status).to.equal('attention');
    expect(a.findings.filter((f: any) => f.status === 'attention').map((f: any) => f.text)).to.include('不符合：1 次他人修改已使用账号的密码未经审批（疑似接管账号）：admin 于 2026-12-01 修改 staff3 的密码');
  });
});
