import { expect } from 'chai';
import { startItemCase } from '../../src/domain/catalog.ts';
import { fineProblems } from '../../src/domain/penalty.ts';
import { getItem, saveItemVersion } from '../../src/store/catalog.ts';
import { grant } from '../../src/store/org.ts';
import { penaltyOfInstance } from '../../src/store/penalties.ts';
import { listPowerRecords } from '../../src/store/records.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * An administrative penalty run online (Art. 3): filing, investigation, legal review and decision by
 * four different people; fines inside the item's discretion standard; major fines decided by the
 * leaders collectively.
 */
describe('procedure: administrative penalty case (penalty-case.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const company = {
    caseSource: 'inspection',
    foundOn: '2026-11-20',
    partyType: 'organisation',
    partyName: '常州某置业有限公司',
    partyCreditCode: '91320400MA1P2XYW3T',
    partyAddress: '常州市新北区太湖东路101号',
    facts: '该公司在小区地下车库改造中擅自拆除人防工程防护密闭门及部分口部结构，拆除面积约300平方米',
  };
  const person = {
    caseSource: 'complaint',
    foundOn: '2026-11-25',
    partyType: 'person',
    partyName: '王某',
    partyIdCard: '32040219800101323X',
    partyAddress: '常州市天宁区某小区',
    facts: '王某擅自拆除其租用的人防工程内的防护设备设施',
  };
  const file = { decision: 'file', filingNo: '常民防立〔2026〕15号', comment: '符合立案条件，同意立案' };
  const investigated = (tier: string, amount: number) => ({
    coInvestigator: 'staff2',
    evidence: '现场检查笔录、照片12张、询问笔录2份、设计图纸复印件，证实拆除面积约300平方米',
    investigationResult: 'propose',
    proposedTier: tier,
    proposedAmount: amount,
  });
  const legalOk = { legalDecision: 'approve', legalOpinion: '事实清楚，证据确凿，适用依据正确，程序合法，裁量适当' };
  const decide = (tier: string, amount: number, no = 8) => ({
    decision: 'penalize',
    tier,
    amount,
    decisionNo: `常民防罚决字〔2026〕${no}号`,
    decisionComment: '同意法制审核意见，作出行政处罚决定',
  });
  const serve = { serviceMethod: 'direct', servedOn: '2026-12-03', serviceReceipt: 'SD-2026-015' };
  const executed = (amount: number) => ({ executionResult: 'paid', paidAmount: amount, paymentReceipt: '3204001234567', executionNote: '当事人已按期缴纳' });
  const archived = { archiveNo: '2026-CF-0015', pages: 46, closingSummary: '当事人已缴纳罚款并完成补建，案件办结归档' };

  async function throughLegalReview(id: string, tier: string, amount: number) {
    await w.complete(id, 'Task_Filing', 'head', file);
    await w.complete(id, 'Task_Investigate', 'staff', investigated(tier, amount));
    await w.complete(id, 'Task_LegalReview', 'legal', legalOk);
  }

  it('runs a case from registration to archive: four different people, the fine inside its tier, a power-operation record at the end', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    const v = await w.variables(instance.id);
    expect(v).to.include({ itemCode: 'CF-0001', itemName: '对擅自拆除人民防空工程的行政处罚', itemVersion: 1, statutoryDays: 60, promisedDays: 45, majorAmount: 30000 });
    // Only the tiers for organisations are offered
    expect((v.tierOptions as Array<{ value: string }>).map((o) => o.value)).to.deep.equal(['org-light', 'org-general', 'org-serious']);
    expect(instance.businessKey).to.match(/^CF-0001-20261130-[0-9A-F]{4}$/);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'registered', itemVersion: 1, partyType: 'organisation' });

    await throughLegalReview(instance.id, 'org-general', 25000);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-general', 25000));
    // Below the major amount: no collective decision
    expect(await w.open(instance.id)).to.deep.equal(['Task_Serve']);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'decided', tier: 'org-general', amount: 25000, major: false, decisionNo: '常民防罚决字〔2026〕8号' });
    await w.complete(instance.id, 'Task_Serve', 'staff2', serve);
    await w.complete(instance.id, 'Task_Execute', 'staff', executed(25000));
    await w.complete(instance.id, 'Task_Archive', 'staff3', archived);
    expect(await w.status(instance.id)).to.equal('completed');
    const c = (await penaltyOfInstance(w.db, instance.id))!;
    expect(c).to.include({ status: 'closed', filingNo: '常民防立〔2026〕15号' });
    expect(c.people).to.deep.equal({ registrar: 'staff', filedBy: 'head', investigatedBy: 'staff', coInvestigator: 'staff2', reviewedBy: 'legal', decidedBy: 'leader' });
    const [record] = (await listPowerRecords(w.db, { itemCode: 'CF-0001' })).filter((r) => r.instanceId === instance.id);
    expect(record).to.include({ unitId: 'inspection-brigade', caseNo: '常民防罚决字〔2026〕8号', partyName: '常州某置业有限公司', enteredBy: 'staff' });
    expect(record.result).to.contain('罚款 25000 元');
  });

  it('sends a major fine to the leaders’ collective decision, which can send it back for a new decision', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await throughLegalReview(instance.id, 'org-serious', 45000);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-serious', 45000, 9));
    expect(await w.open(instance.id)).to.deep.equal(['Task_Collective']);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ major: true, amount: 45000 });
    const collective = { meetingDate: '2026-12-02', minutesNo: '局长办公会纪要〔2026〕21号', attendees: '陈立新、杨帆' };
    await w.complete(instance.id, 'Task_Collective', 'leader2', { ...collective, collectiveDecision: 'revise', collectiveComment: '当事人已主动补建，按下限处罚' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Decide']);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-serious', 35000, 9));
    await w.complete(instance.id, 'Task_Collective', 'leader2', { ...collective, collectiveDecision: 'agree', collectiveComment: '同意' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Serve']);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ amount: 35000, major: true, status: 'decided' });
  });

  it('refuses a fine outside its tier at once, per field, and nothing changes (completion check penalty.fine)', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    // The investigator proposes 60,000 in a tier that ends at 50,000
    const investigate = await w.task(instance.id, 'Task_Investigate');
    const proposed = await expectError(w.engine.complete(investigate.id, { by: await w.as('staff'), variables: investigated('org-serious', 60000) }), 'VALIDATION_FAILED');
    expect(proposed.details).to.deep.equal([{ field: 'proposedAmount', message: '罚款金额 60,000 元超出裁量档次“单位·严重”的幅度（35,000–50,000 元），请重新确定' }]);
    expect(await w.open(instance.id)).to.deep.equal(['Task_Investigate']);
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('org-serious', 50000));
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    // The leader decides 15,000 in the "serious" tier: below its range
    const task = await w.task(instance.id, 'Task_Decide');
    const before = await w.variables(instance.id);
    const early = await expectError(w.engine.complete(task.id, { by: await w.as('leader'), variables: decide('org-serious', 15000) }), 'VALIDATION_FAILED');
    expect(early.details[0].field).to.equal('amount');
    expect(early.details[0].message).to.contain('超出裁量档次“单位·严重”的幅度');
    expect(await w.variables(instance.id)).to.deep.equal(before);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'registered', amount: null });
    expect(await fineProblems(w.db, task, decide('org-light', 15000))).to.deep.equal([]);
    // A tier for the wrong kind of party is not even an option
    const err = await expectError(w.engine.complete(task.id, { by: await w.as('leader'), variables: decide('person-light', 500) }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([{ field: 'tier', message: '“裁量档次”不是有效的选项' }]);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-light', 15000));
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'decided', tier: 'org-light', amount: 15000 });
  });

  it('checks the fine against the standard in force when the case was registered, not a later version', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0003', { by: await w.as('staff'), variables: { ...person, facts: '王某向公用人防工程内倾倒建筑垃圾约5立方米' } });
    await w.settle();
    // Meanwhile the standard changes: individuals' fines capped at 1,000
    const item = (await getItem(w.db, 'CF-0003'))!;
    await w.db.transaction((trx) =>
      saveItemVersion(trx, { ...item, version: 2, discretion: { majorAmount: 30000, tiers: [{ code: 'person-light', name: '个人', partyType: 'person', condition: '一律', min: 0, max: 1000 }] } }, 1, {
        changeType: 'change-discretion',
        legalGround: 'law-amended',
        reason: '测试',
        sunshineRef: null,
        changedBy: 'test',
        approvals: [],
        instanceId: null,
        changedAt: w.clock.now(),
      }),
    );
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('person-serious', 3000));
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('person-serious', 3000));
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ itemVersion: 1, tier: 'person-serious', amount: 3000, status: 'decided' });
  });

  it('returns to investigation from legal review and from the decision; ends without a penalty when so decided', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: person });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('person-general', 2000));
    await w.complete(instance.id, 'Task_LegalReview', 'legal', { legalDecision: 'return', legalOpinion: '缺少当事人陈述申辩记录' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Investigate']);
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('person-light', 800));
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    await w.complete(instance.id, 'Task_Decide', 'leader', { decision: 'return', decisionComment: '请核实设备是否已恢复' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Investigate']);
    const { proposedTier: _t, proposedAmount: _a, ...noFine } = investigated('person-light', 0);
    await w.complete(instance.id, 'Task_Investigate', 'staff', { ...noFine, investigationResult: 'no-penalty' });
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    await w.complete(instance.id, 'Task_Decide', 'leader', { decision: 'no-penalty', decisionComment: '违法行为轻微并及时改正，没有造成危害后果，不予行政处罚' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'no-penalty', amount: null });
    const [record] = (await listPowerRecords(w.db)).filter((r) => r.instanceId === instance.id);
    expect(record.result).to.equal('不予行政处罚');
  });

  it('returns a refused filing to the registrar, who revises or withdraws', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', { decision: 'reject', comment: '当事人名称与营业执照不一致，请核实' });
    expect((await w.task(instance.id, 'Task_Revise')).assignee).to.equal('staff');
    await w.complete(instance.id, 'Task_Revise', 'staff', { action: 'revise', ...company, partyName: '常州某置业发展有限公司' });
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ partyName: '常州某置业发展有限公司', status: 'registered' });
    await w.complete(instance.id, 'Task_Filing', 'head', { decision: 'reject', comment: '已超过追诉时效，不予立案' });
    await w.complete(instance.id, 'Task_Revise', 'staff', { action: 'withdraw', withdrawReason: '同意不予立案' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ status: 'withdrawn' });
    expect((await listPowerRecords(w.db)).some((r) => r.instanceId === instance.id)).to.equal(false);
  });

  it('has filing, investigation, legal review and decision each done by a different person', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff3'), variables: company });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    // The head who filed may not investigate, though he holds a 执法证
    const inv = await w.task(instance.id, 'Task_Investigate');
    await expectError(w.engine.claim(inv.id, { by: await w.as('head') }), 'SEPARATION_OF_DUTIES');
    await expectError(w.engine.claim(inv.id, { by: await w.as('vendor') }), 'NOT_CANDIDATE');
    // A certified officer investigates with another …
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('org-light', 12000));
    // … a legal officer who is not the registrar reviews
    const review = await w.task(instance.id, 'Task_LegalReview');
    await grant(w.db, 'staff3', 'legal', 'test', w.clock.now());
    await expectError(w.engine.complete(review.id, { by: await w.as('staff3'), variables: legalOk }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    // … and the leader in charge of the brigade decides (the other leader is not a candidate)
    const decideTask = await w.task(instance.id, 'Task_Decide');
    await expectError(w.engine.claim(decideTask.id, { by: await w.as('leader2') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-light', 12000));
    const c = (await penaltyOfInstance(w.db, instance.id))!;
    expect(new Set([c.people.filedBy, c.people.investigatedBy, c.people.reviewedBy, c.people.decidedBy]).size).to.equal(4);
    expect(c.people).to.include({ registrar: 'staff3', filedBy: 'head', investigatedBy: 'staff', reviewedBy: 'legal', decidedBy: 'leader' });
  });

  it('keeps the leader who decided a major fine off the collective decision: another leader takes it, nothing changes on refusal', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await throughLegalReview(instance.id, 'org-serious', 40000);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-serious', 40000, 11));
    const collective = await w.task(instance.id, 'Task_Collective');
    const variables = await w.variables(instance.id);
    const caseBefore = await penaltyOfInstance(w.db, instance.id);
    const minutes = { meetingDate: '2026-12-02', minutesNo: '局长办公会纪要〔2026〕22号', attendees: '陈立新', collectiveDecision: 'agree', collectiveComment: '同意' };
    await expectError(w.engine.claim(collective.id, { by: await w.as('leader') }), 'SEPARATION_OF_DUTIES');
    const refused = await expectError(w.engine.complete(collective.id, { by: await w.as('leader'), variables: minutes }), 'SEPARATION_OF_DUTIES');
    expect(refused.details).to.deep.equal({ element: 'Task_Decide' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Collective']);
    expect(await w.variables(instance.id)).to.deep.equal(variables);
    expect(await penaltyOfInstance(w.db, instance.id)).to.deep.equal(caseBefore);
    await w.complete(instance.id, 'Task_Collective', 'leader2', minutes);
    expect(await w.open(instance.id)).to.deep.equal(['Task_Serve']);
  });

  it('makes the co-investigator a real person from the list, not the investigator or the registrar, and keeps them off review and decision', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    const task = await w.task(instance.id, 'Task_Investigate');
    // The form offers the brigade's other holders of a valid 执法证, nobody else
    const options = ((await w.engine.formData('penalty-investigation', await w.as('staff2'))).coInvestigators as Array<{ value: string }>).map((o) => o.value);
    expect(options.sort()).to.deep.equal(['head', 'staff', 'staff3']);
    const variables = await w.variables(instance.id);
    // Himself, a name typed in, or the registrar of the case: refused on the field, nothing changes
    for (const [who, message] of [
      ['staff2', '“协同执法人员”不是有效的选项'],
      ['李娜', '“协同执法人员”不是有效的选项'],
      ['vendor', '“协同执法人员”不是有效的选项'],
      ['leader', '“协同执法人员”不是有效的选项'],
      ['staff', '协同执法人员不能是本案的登记人或立案审批人'],
    ]) {
      const err = await expectError(w.engine.complete(task.id, { by: await w.as('staff2'), variables: { ...investigated('org-light', 12000), coInvestigator: who } }), 'VALIDATION_FAILED');
      expect(err.details, who).to.deep.equal([{ field: 'coInvestigator', message }]);
      expect(await w.open(instance.id)).to.deep.equal(['Task_Investigate']);
      expect(await w.variables(instance.id)).to.deep.equal(variables);
    }
    // staff2 investigates with staff3, who is then kept off the legal review
    await w.complete(instance.id, 'Task_Investigate', 'staff2', { ...investigated('org-light', 12000), coInvestigator: 'staff3' });
    await grant(w.db, 'staff3', 'legal', 'test', w.clock.now());
    const review = await w.task(instance.id, 'Task_LegalReview');
    const err = await expectError(w.engine.complete(review.id, { by: await w.as('staff3'), variables: legalOk }), 'SEPARATION_OF_DUTIES');
    expect(err.details).to.deep.equal({ variable: 'coInvestigator' });
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-light', 12000, 12));
    expect((await penaltyOfInstance(w.db, instance.id))!.people).to.include({ investigatedBy: 'staff2', coInvestigator: 'staff3', decidedBy: 'leader' });
  });

  it('refuses the registrar filing their own case: when the head registers, the leader in charge files, not another unit\'s head', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0002', {
      by: await w.as('head'),
      variables: { ...company, facts: '某小区新建住宅项目未按规定修建防空地下室，应建面积约3000平方米' },
    });
    await w.settle();
    const filing = await w.task(instance.id, 'Task_Filing');
    expect(filing.candidateUsers).to.deep.equal(['leader']);
    await expectError(w.engine.complete(filing.id, { by: await w.as('head'), variables: file }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(filing.id, { by: await w.as('staff') }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(filing.id, { by: await w.as('maint') }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(filing.id, { by: await w.as('invest') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Filing', 'leader', file);
    expect(await w.open(instance.id)).to.deep.equal(['Task_Investigate']);
  });

  it('starts only active penalty items; bad case data is refused per field', async () => {
    const item = (await getItem(w.db, 'CF-0003'))!;
    await w.db.transaction((trx) =>
      saveItemVersion(trx, { ...item, version: item.version + 1, status: 'retired' }, item.version, {
        changeType: 'retire',
        legalGround: 'law-repealed',
        reason: '测试取消',
        sunshineRef: null,
        changedBy: 'test',
        approvals: [],
        instanceId: null,
        changedAt: w.clock.now(),
      }),
    );
    await expectError(startItemCase(w.engine, w.db, 'CF-0003', { by: await w.as('staff'), variables: person }), 'ITEM_RETIRED');
    await expectError(startItemCase(w.engine, w.db, 'CF-0999', { by: await w.as('staff'), variables: person }), 'ITEM_NOT_FOUND');
    // Started directly, the first step refuses it
    const direct = await w.start('penalty-case', 'staff', { ...person, itemCode: 'CF-0003' });
    expect(await w.status(direct.instance.id)).to.equal('completed');
    expect((await w.variables(direct.instance.id)).itemProblem).to.contain('已取消');
    expect(await penaltyOfInstance(w.db, direct.instance.id)).to.equal(undefined);
    // A licence item is not a penalty item
    await expectError(startItemCase(w.engine, w.db, 'XK-0001', { by: await w.as('engineer'), variables: person }), 'VALIDATION_FAILED');
    const err = await expectError(
      startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: { ...company, partyCreditCode: '123', facts: undefined } }),
      'VALIDATION_FAILED',
    );
    expect(err.details).to.deep.equal([
      { field: 'partyCreditCode', message: '“统一社会信用代码”格式不正确' },
      { field: 'facts', message: '“违法事实（初步）”为必填项' },
    ]);
    // A credit code of the right form but with a wrong check character (GB 32100-2015) is refused too
    const before = await w.db('process_instances').count({ n: '*' }).first();
    const wrongDigit = await expectError(
      startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: { ...company, partyCreditCode: '91320400MA1P2XYW3K' } }),
      'VALIDATION_FAILED',
    );
    expect(wrongDigit.details).to.deep.equal([{ field: 'partyCreditCode', message: '“统一社会信用代码”：统一社会信用代码校验位错误（应为 T）' }]);
    // So is a citizen's ID number whose check character is wrong (GB 11643)
    const wrongId = await expectError(
      startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: { ...person, partyIdCard: '32040219800101123X' } }),
      'VALIDATION_FAILED',
    );
    expect(wrongId.details).to.deep.equal([{ field: 'partyIdCard', message: '“公民身份号码”：公民身份号码校验位错误（应为 4）' }]);
    expect(await w.db('process_instances').count({ n: '*' }).first()).to.deep.equal(before);
  });
});
