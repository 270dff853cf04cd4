import { expect } from 'chai';
import { startItemCase } from '../../src/domain/catalog.ts';
import { penaltyOfInstance } from '../../src/store/penalties.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * Powers bound to their implementing unit, posts and certified officers (Art. 3, issue 17): a city
 * penalty case of the inspection brigade is started only by the brigade (or supervision on its
 * behalf), each step goes to the people the organisation register names for that unit, and the
 * vendor, a district reporter and a company manager can act at no step.
 */
describe('procedure: powers bound to units and certified officers (penalty-case.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const OUTSIDERS = ['vendor', 'wujin', 'invest'];
  const company = {
    caseSource: 'inspection',
    foundOn: '2026-11-20',
    partyType: 'organisation',
    partyName: '常州某置业有限公司',
    partyCreditCode: '91320400MA1P2XYW3T',
    partyAddress: '常州市新北区太湖东路101号',
    facts: '该公司在小区地下车库改造中擅自拆除人防工程防护密闭门及部分口部结构，拆除面积约600平方米',
  };
  const count = async () => Number((await w.db('process_instances').count({ n: '*' }).first())!.n);

  /** Every outsider is refused 403 on claim and completion of the step; nothing about the case changes. */
  async function outsidersRefused(instanceId: string, elementId: string, variables: Record<string, unknown>) {
    const task = await w.task(instanceId, elementId);
    const before = { variables: await w.variables(instanceId), open: await w.open(instanceId), task: await w.engine.getTask(task.id) };
    for (const who of OUTSIDERS) {
      const claim = await expectError(w.engine.claim(task.id, { by: await w.as(who) }), 'NOT_CANDIDATE');
      expect(claim.status, `${who} claims ${elementId}`).to.equal(403);
      const done = await expectError(w.engine.complete(task.id, { by: await w.as(who), variables }), 'NOT_CANDIDATE');
      expect(done.status, `${who} completes ${elementId}`).to.equal(403);
    }
    expect(await w.variables(instanceId)).to.deep.equal(before.variables);
    expect(await w.open(instanceId)).to.deep.equal(before.open);
    expect(await w.engine.getTask(task.id)).to.deep.include({ status: 'open', assignee: null });
  }

  it('refuses the vendor, a district reporter and a company manager at the start (403 ITEM_NOT_OWN_UNIT, nothing started)', async () => {
    const before = await count();
    for (const who of OUTSIDERS) {
      const err = await expectError(startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as(who), variables: company }), 'ITEM_NOT_OWN_UNIT');
      expect(err.status).to.equal(403);
      expect(err.message).to.contain('由监察大队实施');
    }
    // Another unit's staff too (the engineering office)
    await expectError(startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('engineer'), variables: company }), 'ITEM_NOT_OWN_UNIT');
    expect(await count()).to.equal(before);
    // Started directly on the procedure, bypassing the catalog: the first step refuses the item, no case is registered
    const direct = await w.start('penalty-case', 'vendor', { ...company, itemCode: 'CF-0001' });
    expect(await w.status(direct.instance.id)).to.equal('completed');
    expect((await w.variables(direct.instance.id)).itemProblem).to.contain('只有该单位人员可以办理');
    expect(await penaltyOfInstance(w.db, direct.instance.id)).to.equal(undefined);
  });

  it('resolves every step within the brigade and refuses the outsiders at each step of a major case, 403 and nothing changed', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    const id = instance.id;
    expect((await w.variables(id)).itemUnitId).to.equal('inspection-brigade');
    // 立案审批: the brigade's head, not every unit head
    expect((await w.task(id, 'Task_Filing')).candidateUsers).to.deep.equal(['head']);
    const file = { decision: 'file', filingNo: '常民防立〔2026〕31号', comment: '符合立案条件，同意立案' };
    await outsidersRefused(id, 'Task_Filing', file);
    await w.complete(id, 'Task_Filing', 'head', file);
    // 调查取证: the brigade's holders of a valid 执法证, not every staff member nor supervision
    expect((await w.task(id, 'Task_Investigate')).candidateUsers.sort()).to.deep.equal(['head', 'staff', 'staff2', 'staff3']);
    const investigation = {
      coInvestigator: 'staff3',
      evidence: '现场检查笔录、照片20张、询问笔录3份，证实拆除面积约600平方米',
      investigationResult: 'propose',
      proposedTier: 'org-serious',
      proposedAmount: 45000,
    };
    await outsidersRefused(id, 'Task_Investigate', { ...investigation, coInvestigator: 'vendor' });
    await expectError(w.engine.claim((await w.task(id, 'Task_Investigate')).id, { by: await w.as('supervisor') }), 'NOT_CANDIDATE');
    // The second officer is a real certified person other than the first: the vendor is not
    const coErr = await expectError(
      w.engine.complete((await w.task(id, 'Task_Investigate')).id, { by: await w.as('staff2'), variables: { ...investigation, coInvestigator: 'vendor' } }),
      'VALIDATION_FAILED',
    );
    expect(coErr.details).to.deep.equal([{ field: 'coInvestigator', message: '“协同执法人员”不是有效的选项' }]);
    await w.complete(id, 'Task_Investigate', 'staff2', investigation);
    const legalOk = { legalDecision: 'approve', legalOpinion: '事实清楚，证据确凿，适用依据正确，程序合法，裁量适当' };
    await outsidersRefused(id, 'Task_LegalReview', legalOk);
    await w.complete(id, 'Task_LegalReview', 'legal', legalOk);
    // 处罚决定: the leader in charge of the brigade (分管领导), not every leader
    expect((await w.task(id, 'Task_Decide')).candidateUsers).to.deep.equal(['leader']);
    const decision = { decision: 'penalize', tier: 'org-serious', amount: 45000, decisionNo: '常民防罚决字〔2026〕31号', decisionComment: '同意法制审核意见' };
    await outsidersRefused(id, 'Task_Decide', decision);
    await w.complete(id, 'Task_Decide', 'leader', decision);
    const collective = { meetingDate: '2026-12-02', minutesNo: '局长办公会纪要〔2026〕31号', attendees: '陈立新、杨帆', collectiveDecision: 'agree', collectiveComment: '同意' };
    await outsidersRefused(id, 'Task_Collective', collective);
    await w.complete(id, 'Task_Collective', 'leader2', collective);
    // 送达, 执行, 归档: certified officers of the brigade
    const serve = { serviceMethod: 'direct', servedOn: '2026-12-03', serviceReceipt: 'SD-2026-031' };
    expect((await w.task(id, 'Task_Serve')).candidateUsers.sort()).to.deep.equal(['head', 'staff', 'staff2', 'staff3']);
    await outsidersRefused(id, 'Task_Serve', serve);
    await w.complete(id, 'Task_Serve', 'staff', serve);
    const executed = { executionResult: 'paid', paidAmount: 45000, paymentReceipt: '3204001234599', executionNote: '当事人已按期缴纳' };
    await outsidersRefused(id, 'Task_Execute', executed);
    await w.complete(id, 'Task_Execute', 'staff2', executed);
    const archived = { archiveNo: '2026-CF-0031', pages: 52, closingSummary: '当事人已缴纳罚款，案件办结归档' };
    await outsidersRefused(id, 'Task_Archive', archived);
    await w.complete(id, 'Task_Archive', 'staff3', archived);
    expect(await w.status(id)).to.equal('completed');
    expect((await penaltyOfInstance(w.db, id))!.people).to.include({ registrar: 'staff', filedBy: 'head', investigatedBy: 'staff2', coInvestigator: 'staff3', decidedBy: 'leader' });
  });
});
