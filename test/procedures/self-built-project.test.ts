import { expect } from 'chai';
import { DEFAULT_ATTACHMENT_LIMITS, linkReferenced } from '../../src/domain/attachments.ts';
import { createUpload, verifyUploadFile } from '../../src/domain/supervision/provincial.ts';
import { getProject } from '../../src/store/records.ts';
import { contractsOf } from '../../src/store/projects.ts';
import { expectError } from '../helpers/expect.ts';
import { initiated, initiation, pdfOf } from '../helpers/projects.ts';
import { START, world, type World } from '../helpers/procedures.ts';

/** Art. 3: a self-built project of ≥ 300,000 CNY runs online, stage by stage (self-built-project.bpmn). */
describe('procedure: self-built project (self-built-project.bpmn), stage by stage', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });
  afterEach(() => w.clock.set(START));

  it('立项: a registered project not yet online is put online on the run; a new one is entered by it', async () => {
    // Given the engineering office's demo project of 680,000 CNY, registered but not online
    const { instance } = await w.start('self-built-project', 'engineer', initiation({ projectId: 'ZJ-2026-001', projectName: '指挥中心地下人防工程防护设备更新改造', budget: 680000 }));
    // Then the run carries the project, its unit and the thresholds of the diagram
    expect(await w.variables(instance.id)).to.include({ projectId: 'ZJ-2026-001', projectUnitId: 'engineering-office', tenderThreshold: 1000000, collectiveChangeRatio: 0.1, splitWindowMonths: 12, projectManager: 'engineer' });
    expect(await getProject(w.db, 'ZJ-2026-001')).to.include({ instanceId: instance.id, investment: 680000 });
    expect(instance.caseNumber).to.match(/^常民防建〔2026〕\d{4}号$/);
    // A new project is entered with the run
    const { instance: fresh } = await w.start('self-built-project', 'invest', initiation());
    const v = await w.variables(fresh.id);
    expect(await getProject(w.db, String(v.projectId))).to.include({ instanceId: fresh.id, unitId: 'investment-company', onlineRequired: true, investment: 900000 });
  });

  it('立项: a project already online or of another unit cannot be picked, and nothing starts', async () => {
    const before = (await w.engine.listInstances({ processKey: 'self-built-project' })).total;
    // ZJ-2026-003 belongs to 民投公司: the engineering office is not offered it
    await expectError(w.engine.start('self-built-project', { by: await w.as('engineer'), variables: initiation({ projectId: 'ZJ-2026-003' }) }), 'VALIDATION_FAILED');
    await expectError(w.engine.start('self-built-project', { by: await w.as('engineer'), variables: initiation({ budget: -5 }) }), 'VALIDATION_FAILED');
    // The vendor and a district reporter are not bureau staff: they cannot start a project
    for (const outsider of ['vendor', 'wujin']) await expectError(w.engine.start('self-built-project', { by: await w.as(outsider), variables: initiation() }), 'NOT_STARTER');
    expect((await w.engine.listInstances({ processKey: 'self-built-project' })).total).to.equal(before);
  });

  it('预算审核: the engineering office reviews (not the applicant); a return goes back to 修改立项', async () => {
    const { instance } = await w.start('self-built-project', 'engineer', initiation({ budget: 450000 }));
    const review = await w.task(instance.id, 'Task_BudgetReview');
    expect(review.candidateGroups).to.deep.equal(['engineering']);
    await expectError(w.engine.claim(review.id, { by: await w.as('staff') }), 'NOT_CANDIDATE');
    await expectError(w.engine.complete(review.id, { by: await w.as('engineer'), variables: { budgetDecision: 'approve', budgetOpinion: '同意' } }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_BudgetReview', 'engineer-head', { budgetDecision: 'return', budgetOpinion: '预算缺少安装费明细' });
    expect((await w.task(instance.id, 'Task_Revise')).assignee).to.equal('engineer');
    const { projectId: _omit, ...revision } = initiation({ budget: 520000, projectName: '疏散基地配套（修改）' });
    await w.complete(instance.id, 'Task_Revise', 'engineer', revision);
    const v = await w.variables(instance.id);
    expect(await getProject(w.db, String(v.projectId))).to.include({ investment: 520000, name: '疏散基地配套（修改）', instanceId: instance.id });
    await w.complete(instance.id, 'Task_BudgetReview', 'engineer-head', { budgetDecision: 'approve', budgetOpinion: '同意' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Procurement']);
  });

  it('采购方式: at or above the tender threshold only 公开招标 is accepted; below it 比选 or 询价', async () => {
    const id = await initiated(w, 'engineer', { budget: 1500000 });
    const task = await w.task(id, 'Task_Procurement');
    const err = await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: { lotName: '防护设备', lotBudget: 1200000, procurementMethod: 'comparison' } }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([{ field: 'procurementMethod', message: '采购预算 1,200,000 元 达到公开招标限额（1,000,000 元），应当公开招标' }]);
    await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: { lotName: '防护设备', lotBudget: 1600000, procurementMethod: 'public-tender' } }), 'VALIDATION_FAILED');
    expect(await w.open(id)).to.deep.equal(['Task_Procurement']);
    await w.complete(id, 'Task_Procurement', 'engineer', { lotName: '防护设备', lotBudget: 1200000, procurementMethod: 'public-tender' });
    expect(await w.open(id)).to.deep.equal(['Task_Tender']);
  });

  it('招标/比选记录: at least three bidders, the winner among them, the records attached to the case', async () => {
    const id = await initiated(w, 'engineer');
    await w.complete(id, 'Task_Procurement', 'engineer', { lotName: '通风设备', lotBudget: 600000, procurementMethod: 'comparison' });
    const task = await w.task(id, 'Task_Tender');
    const files = await pdfOf(w, 'engineer', '比选记录.pdf');
    const err = await expectError(
      w.engine.complete(task.id, { by: await w.as('engineer'), variables: { bidders: '甲公司\n乙公司', winner: '丙公司', bidAmount: 700000, resultDate: '2026-11-27', tenderFiles: files } }),
      'VALIDATION_FAILED',
    );
    expect(err.details.map((d: any) => d.field)).to.have.members(['bidders', 'winner', 'bidAmount']);
    await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: { bidders: '甲\n乙\n丙', winner: '甲', bidAmount: 500000, resultDate: '2026-11-27' } }), 'VALIDATION_FAILED');
    // The step links the uploads it references to the case, in its transaction (as the API does)
    const record = { bidders: '甲公司\n乙公司\n丙公司', winner: '甲公司', bidAmount: 580000, resultDate: '2026-11-27', tenderFiles: files };
    const by = await w.as('engineer');
    await w.engine.complete(task.id, { by, variables: record, hook: (trx) => linkReferenced(trx, record, { instanceId: id, taskId: task.id }, { by, now: w.clock.now(), limits: DEFAULT_ATTACHMENT_LIMITS }) });
    await w.settle();
    expect((await w.variables(id)).tenderFiles).to.deep.equal(files);
    const linked = await w.db('attachments').where({ instance_id: id }).select('name');
    expect(linked.map((r: any) => r.name)).to.deep.equal(['比选记录.pdf']);
  });

  it('合同: with the winner at no more than the winning price; legal review returns, then approves, and the contract is recorded', async () => {
    const id = await initiated(w, 'engineer');
    await w.complete(id, 'Task_Procurement', 'engineer', { lotName: '通风设备', lotBudget: 600000, procurementMethod: 'inquiry' });
    await w.complete(id, 'Task_Tender', 'engineer', { bidders: '甲公司、乙公司、丙公司', winner: '甲公司', bidAmount: 580000, resultDate: '2026-11-27', tenderFiles: await pdfOf(w, 'engineer', 'a.pdf') });
    const task = await w.task(id, 'Task_Contract');
    const contract = { contractNo: 'HT-01', vendor: '甲公司', contractAmount: 580000, signedOn: '2026-11-28', contractFiles: await pdfOf(w, 'engineer', '合同.pdf') };
    const err = await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: { ...contract, vendor: '乙公司', contractAmount: 590000 } }), 'VALIDATION_FAILED');
    expect(err.details.map((d: any) => d.field)).to.have.members(['vendor', 'contractAmount']);
    await w.complete(id, 'Task_Contract', 'engineer', contract);
    expect((await w.task(id, 'Task_ContractLegal')).candidateGroups).to.deep.equal(['legal']);
    await w.complete(id, 'Task_ContractLegal', 'legal', { legalDecision: 'return', legalOpinion: '违约责任条款缺失' });
    await w.complete(id, 'Task_Contract', 'engineer', { ...contract, contractNo: 'HT-01-修订' });
    const v = await w.variables(id);
    expect(await contractsOf(w.db, String(v.projectId))).to.have.length(0);
    await w.complete(id, 'Task_ContractLegal', 'legal', { legalDecision: 'approve', legalOpinion: '合同条款合法' });
    const [recorded] = await contractsOf(w.db, String(v.projectId));
    expect(recorded).to.include({ vendor: '甲公司', amount: 580000, contractNo: 'HT-01-修订', procurementMethod: 'inquiry', signedOn: '2026-11-28' });
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    expect((await getProject(w.db, String(v.projectId)))!.stage).to.equal('building');
  });

  it('the provincial monthly package carries the projects run in the month, with contracts and money', async () => {
    // When the engineering office makes the November package on 1 December
    w.clock.set(Date.parse('2026-12-01T10:00:00+08:00'));
    const row = await createUpload(w.db, '2026-11', { by: 'engineer', trigger: 'manual', now: w.clock.now() });
    const file = JSON.parse(row.package);
    // Then every project run in November is in it, the demo project of 680,000 among them
    const projects: any[] = file.package.projects;
    const demo = projects.find((p) => p.id === 'ZJ-2026-001');
    expect(demo).to.deep.include({ name: '指挥中心地下人防工程防护设备更新改造', unitId: 'engineering-office', budget: 680000, fundSource: '市级财政专项资金', status: 'running' });
    expect(demo.caseNumber).to.match(/^常民防建〔2026〕\d{4}号$/);
    const contracted = projects.find((p) => p.contracts.length);
    expect(contracted.contracts[0]).to.include({ vendor: '甲公司', amount: 580000, procurementMethod: 'inquiry' });
    expect(contracted).to.include({ contractTotal: 580000, paid: 0, stage: 'building' });
    expect(projects.length).to.equal((await w.engine.listInstances({ processKey: 'self-built-project' })).total);
    expect(verifyUploadFile(row.package).ok).to.equal(true);
  });
});
