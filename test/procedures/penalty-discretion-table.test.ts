import { expect } from 'chai';
import fs from 'node:fs';
import { startItemCase } from '../../src/domain/catalog.ts';
import { penaltyOfInstance } from '../../src/store/penalties.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * The penalty discretion standard (自由裁量基准) is a DMN decision table the process owner
 * maintains (processes/penalty-discretion.dmn), not code: a new approved version of the table is
 * what the next fine is checked against, in the completion check and in the procedure's own check.
 */
describe('procedure: the penalty discretion standard as a decision table (penalty-discretion.dmn)', () => {
  let w: World;
  const original = fs.readFileSync(new URL('../../processes/penalty-discretion.dmn', import.meta.url), 'utf8');
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
    facts: '该公司擅自拆除人防工程防护密闭门，拆除面积约300平方米',
  };
  const file = { decision: 'file', filingNo: '常民防立〔2026〕31号', comment: '同意立案' };
  const investigated = (tier: string, amount: number) => ({
    coInvestigator: 'staff2',
    evidence: '现场检查笔录、照片12张、询问笔录2份，证实拆除面积约300平方米',
    investigationResult: 'propose',
    proposedTier: tier,
    proposedAmount: amount,
  });
  const legalOk = { legalDecision: 'approve', legalOpinion: '事实清楚，证据确凿，裁量适当' };
  const decide = (tier: string, amount: number) => ({ decision: 'penalize', tier, amount, decisionNo: '常民防罚决字〔2026〕31号', decisionComment: '同意' });

  it('is deployed with the procedures as version 1 of decision penalty-discretion', async () => {
    const row = await w.db('decision_definitions').where({ key: 'penalty-discretion' }).first();
    expect(row).to.include({ version: 1, resource_name: 'penalty-discretion.dmn', name: '行政处罚自由裁量基准' });
  });

  it('a lowered cap in a new version of the table refuses a fine the old one allowed; the decision checks it again in the procedure', async () => {
    // Given the process owner lowers the cap of CF-0001's serious tier for organisations from 50,000 to 40,000
    const lowered = original.replace(/(<inputEntry id="r6_i0"><text>&quot;CF-0001&quot;<\/text><\/inputEntry>[\s\S]*?<outputEntry id="r6_o3"><text>)50000/, '$140000');
    expect(lowered).to.not.equal(original);
    const res = await w.engine.deploy([{ name: 'penalty-discretion.dmn', content: lowered }], { by: 'owner' });
    expect(res.items[0]).to.include({ kind: 'decision', key: 'penalty-discretion', version: 2 });
    // When a case proposes 45,000 in that tier
    const { instance } = await startItemCase(w.engine, w.db, 'CF-0001', { by: await w.as('staff'), variables: company });
    await w.settle();
    await w.complete(instance.id, 'Task_Filing', 'head', file);
    const investigate = await w.task(instance.id, 'Task_Investigate');
    const before = await w.variables(instance.id);
    const refused = await expectError(w.engine.complete(investigate.id, { by: await w.as('staff'), variables: investigated('org-serious', 45000) }), 'VALIDATION_FAILED');
    // Then it is refused per field with the new range, and nothing changed
    expect(refused.details).to.deep.equal([{ field: 'proposedAmount', message: '罚款金额 45,000 元超出裁量档次“单位·严重”的幅度（35,000–40,000 元），请重新确定' }]);
    expect(await w.variables(instance.id)).to.deep.equal(before);
    // And 38,000 passes through investigation, legal review and the decision, checked by the table, as a major fine
    await w.complete(instance.id, 'Task_Investigate', 'staff', investigated('org-serious', 38000));
    await w.complete(instance.id, 'Task_LegalReview', 'legal', legalOk);
    await w.complete(instance.id, 'Task_Decide', 'leader', decide('org-serious', 38000));
    const v = await w.variables(instance.id);
    expect(v).to.include({ discretionOk: true, major: true, discretionDecision: 'penalty-discretion:2' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Collective']);
    expect(await penaltyOfInstance(w.db, instance.id)).to.include({ tier: 'org-serious', amount: 38000, major: true, status: 'decided' });
  });
});
