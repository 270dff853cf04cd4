import { expect } from 'chai';
import { DEFAULT_THRESHOLDS, splitContracts } from '../../src/domain/projects/rules.ts';
import { contractsOf } from '../../src/store/projects.ts';
import { contracted, initiated, report, warningsOf } from '../helpers/projects.ts';
import { START, world, type World } from '../helpers/procedures.ts';

const at = (iso: string) => Date.parse(iso);
const VENDOR = '常州恒安建设有限公司';

/** The risk checks supervision expects of self-built projects: each raises a warning with its evidence. */
describe('procedure: self-built project risk checks (化整为零, 验收后签证, 超合同支付)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });
  afterEach(() => w.clock.set(START));

  const recipients = (id: string, kind: string) => w.db('notifications').where({ instance_id: id, kind: `project.${kind}` }).pluck('user_id');

  it('化整为零: two contracts with one vendor on one project, each below the tender threshold, together above it within 12 months', async () => {
    // Given a project of 1,500,000 whose works are split into two lots of 600,000 and 500,000, both won by one vendor
    const id = await initiated(w, 'engineer', { budget: 1500000 });
    await contracted(w, id, 'engineer', { lotName: '土建一标段', lotBudget: 600000, method: 'comparison', vendor: VENDOR, amount: 590000, signedOn: '2026-11-20', moreLots: true });
    expect(await warningsOf(w, id)).to.deep.equal([]);
    expect(await w.open(id)).to.deep.equal(['Task_Procurement']);
    await contracted(w, id, 'engineer', { lotName: '土建二标段', lotBudget: 500000, method: 'inquiry', vendor: VENDOR, amount: 480000, signedOn: '2026-11-27' });
    // Then a warning names the vendor, the threshold and both contracts
    const [split] = await warningsOf(w, id);
    expect(split.kind).to.equal('split-contract');
    expect(split.text).to.equal(`疑似化整为零规避招标：人防疏散基地配套设施建设与“${VENDOR}”在 12 个月内签订 2 份合同，单份均低于公开招标限额 1,000,000 元，合计 1,070,000 元`);
    expect(split.evidence).to.deep.include({ vendor: VENDOR, tenderThreshold: 1000000, windowMonths: 12, total: 1070000 });
    expect((split.evidence.contracts as any[]).map((c) => [c.lotName, c.amount, c.signedOn, c.procurementMethod])).to.deep.equal([
      ['土建一标段', 590000, '2026-11-20', '比选'],
      ['土建二标段', 480000, '2026-11-27', '询价'],
    ]);
    expect(await recipients(id, 'split-contract')).to.have.members(['supervisor', 'supervisor2', 'engineer-head']);
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    expect(await contractsOf(w.db, split.projectId)).to.have.length(2);
  });

  it('化整为零: other vendors, contracts more than 12 months apart, or a lot at the threshold are not a split', () => {
    const c = (id: string, vendor: string, amount: number, signedOn: string) => ({ id, vendor, amount, signedOn, lotName: id, procurementMethod: 'comparison' });
    const t = DEFAULT_THRESHOLDS;
    expect(splitContracts([c('a', VENDOR, 600000, '2026-01-10')], c('b', '另一公司', 500000, '2026-03-01'), t)).to.deep.equal([]);
    expect(splitContracts([c('a', VENDOR, 600000, '2025-10-01')], c('b', VENDOR, 500000, '2026-11-01'), t)).to.deep.equal([]);
    expect(splitContracts([c('a', VENDOR, 600000, '2025-11-02')], c('b', VENDOR, 500000, '2026-11-01'), t).map((x) => x.id)).to.deep.equal(['a', 'b']);
    expect(splitContracts([c('a', VENDOR, 1000000, '2026-01-10')], c('b', VENDOR, 500000, '2026-03-01'), t)).to.deep.equal([]);
    expect(splitContracts([c('a', VENDOR, 300000, '2026-01-10')], c('b', VENDOR, 500000, '2026-03-01'), t)).to.deep.equal([]);
  });

  it('超合同支付: payments above the contract amount (with approved changes) raise a warning with the payments', async () => {
    const id = await initiated(w, 'engineer', { budget: 900000 });
    await contracted(w, id, 'engineer', { lotName: '设备更新', lotBudget: 850000, method: 'comparison', vendor: VENDOR, amount: 800000, signedOn: '2026-11-28' });
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 60, 500000));
    expect(await warningsOf(w, id)).to.deep.equal([]);
    w.clock.set(at('2026-12-15T09:00:00+08:00'));
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-12', 90, 350000));
    const [over] = await warningsOf(w, id);
    expect(over.kind).to.equal('overpayment');
    expect(over.text).to.equal('超合同金额支付：人防疏散基地配套设施建设累计支付 850,000 元，超过合同金额 800,000 元 50,000 元');
    expect(over.evidence).to.deep.include({ totalPaid: 850000, contractTotal: 800000, limit: 800000 });
    expect((over.evidence.payments as any[]).map((p) => [p.date, p.amount])).to.deep.equal([
      ['2026-11', 500000],
      ['2026-12', 350000],
    ]);
    expect(await recipients(id, 'overpayment')).to.have.members(['supervisor', 'supervisor2', 'engineer-head']);
  });

  it('超合同支付: an approved change order raises what may be paid', async () => {
    const id = await initiated(w, 'engineer', { budget: 900000 });
    await contracted(w, id, 'engineer', { lotName: '设备更新', lotBudget: 850000, method: 'comparison', vendor: VENDOR, amount: 800000, signedOn: '2026-11-28' });
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 60, 0, 'change'));
    await w.complete(id, 'Task_ChangeOrder', 'engineer', { changeAmount: 60000, changeDate: '2026-11-30', changeReason: '增加一处防护密闭门' });
    await w.complete(id, 'Task_ChangeApprove', 'engineer-head', { changeDecision: 'approve', changeOpinion: '同意' });
    w.clock.set(at('2026-12-15T09:00:00+08:00'));
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-12', 100, 850000, 'completed'));
    expect(await warningsOf(w, id)).to.deep.equal([]);
  });

  it('验收后签证: a change order signed after 竣工验收 (补办签证 at 决算) raises a warning with the acceptance date', async () => {
    const id = await initiated(w, 'engineer', { budget: 900000 });
    await contracted(w, id, 'engineer', { lotName: '设备更新', lotBudget: 850000, method: 'comparison', vendor: VENDOR, amount: 800000, signedOn: '2026-11-28' });
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 100, 600000, 'completed'));
    await w.complete(id, 'Task_Acceptance', 'engineer-head', { acceptedOn: '2026-11-30', acceptanceResult: 'pass', acceptanceOpinion: '合格' });
    w.clock.set(at('2026-12-20T09:00:00+08:00'));
    await w.complete(id, 'Task_FinalAccount', 'engineer', { settlementAmount: 830000, finalPayment: 200000, lateChangeAmount: 30000, lateChangeReason: '竣工后补办地坪找平签证' });
    const [late] = await warningsOf(w, id);
    expect(late.kind).to.equal('change-after-acceptance');
    expect(late.text).to.equal('竣工验收后发生变更签证：人防疏散基地配套设施建设于 2026-11-30 通过竣工验收，其后签证 30,000 元（竣工后补办地坪找平签证）');
    expect(late.evidence).to.deep.include({ acceptedOn: '2026-11-30', changeDate: '2026-12-20', changeAmount: 30000 });
    expect(await recipients(id, 'change-after-acceptance')).to.have.members(['supervisor', 'supervisor2', 'engineer-head']);
    // The late change order is not approved: the payments of 800,000 are within the contract
    expect((await warningsOf(w, id)).map((x) => x.kind)).to.deep.equal(['change-after-acceptance']);
    expect(await w.open(id)).to.deep.equal(['Task_Audit']);
  });
});
