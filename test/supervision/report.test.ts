import { expect } from 'chai';
import { seedDemoData } from '../../src/domain/demo-records.ts';
import { seedOrganisation } from '../../src/domain/org.ts';
import { projectsNotOnline } from '../../src/domain/records.ts';
import { actorOf } from '../../src/domain/org.ts';
import { registerHandlers } from '../../src/services/index.ts';
import { initiation } from '../helpers/projects.ts';
import { root } from '../helpers/procedures.ts';
import path from 'node:path';
import { createUpload, recordUpload } from '../../src/domain/supervision/provincial.ts';
import { monthPeriod } from '../../src/domain/supervision/periods.ts';
import { complianceReport } from '../../src/domain/supervision/report.ts';
import { EngineService } from '../../src/engine/service.ts';
import { ManualClock } from '../../src/clock.ts';
import { getItem, saveItemVersion } from '../../src/store/catalog.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: the compliance report reads the regulation against the platform data', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const clock = new ManualClock(at('2026-11-01T09:00:00+08:00'));

  before(async () => {
    t = await freshDatabase();
    await seedOrganisation(t.db, clock.now(), true);
    await seedDemoData(t.db, clock.now());
    engine = await EngineService.create({ db: t.db, clock });
    registerHandlers({ db: t.db, engine, clock });
    await engine.deployDirectories(path.join(root, 'processes'), path.join(root, 'forms'));
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  const findings = async (month: string, now: string) => {
    const report = await complianceReport(t.db, engine.calendar, monthPeriod(month), at(now));
    return new Map(report.articles.map((a) => [a.article, a]));
  };
  const signIn = (username: string, when: string) => t.db('login_events').insert({ username, success: true, reason: 'ok', ip: '10.0.0.1', user_agent: 't', at: at(when) });

  it('shows the shortfalls of the demo data, then that they were put right', async () => {
    // The supervision office signs in twice in week 45 and three times in week 46 (each member).
    for (const user of ['supervisor', 'supervisor2']) {
      for (const day of ['02', '04']) await signIn(user, `2026-11-${day}T09:00:00+08:00`);
      for (const day of ['09', '10', '11']) await signIn(user, `2026-11-${day}T09:00:00+08:00`);
    }
    let report = await findings('2026-11', '2026-11-17T09:00:00+08:00');
    const art3 = report.get(3)!;
    const offline = await projectsNotOnline(t.db);
    expect(offline.length).to.be.greaterThan(0);
    expect(art3.status).to.equal('attention');
    expect(art3.findings[0].text).to.include(`其中 ${offline.length} 个未在网上运行`);
    const art5 = report.get(5)!.findings.map((f) => `${f.status}:${f.text}`);
    expect(art5).to.include('attention:监察室 刘清 第 45 周登录 2/3 次');
    expect(art5).to.include('ok:监察室 刘清 第 46 周登录 3/3 次');
    expect(art5.some((x) => x.startsWith('info:2026-11 尚无省平台上传记录'))).to.equal(true);
    expect(report.get(7)!.findings[0].text).to.equal('本期没有删除数据');
    // While November runs, districts that have not reported yet are not a shortfall.
    expect(report.get(6)!.findings[0]).to.include({ status: 'info' });
    expect(report.get(6)!.findings[0].text).to.match(/^本期尚未结束，尚未报送：/);
    // The catalog entered at set-up (including an item seeded as retired) is not a change.
    expect(report.get(8)!.findings[0]).to.deep.equal({ status: 'info', text: '本期没有权力事项变更' });

    // The projects are put online and the October package is uploaded on 11-03.
    // Each demo project is run through the self-built-project procedure by its unit (立项 picks it)
    const runner: Record<string, string> = { 'engineering-office': 'engineer', 'investment-company': 'invest' };
    for (const p of offline) {
      const variables = initiation({ projectId: p.id, projectName: p.name, budget: p.investment });
      await engine.start('self-built-project', { by: (await actorOf(t.db, runner[p.unitId]))!, variables });
      for (let i = 0; i < 20 && (await engine.jobs.runDue()) > 0; i++);
    }
    expect(await projectsNotOnline(t.db)).to.deep.equal([]);
    const october = await createUpload(t.db, '2026-10', { by: 'engineer', trigger: 'manual', now: at('2026-11-03T09:00:00+08:00') });
    await recordUpload(t.db, october.id, 'engineer', 'SJ-1103', at('2026-11-03T10:00:00+08:00'));
    report = await findings('2026-11', '2026-12-01T09:00:00+08:00');
    expect(report.get(3)!.findings[0]).to.deep.include({ status: 'ok' });
    expect(report.get(3)!.findings[0].text).to.match(/个，全部在网上运行$/);
    expect(report.get(3)!.status).to.equal('ok');
    expect(report.get(3)!.findings[1]).to.deep.equal({ status: 'info', text: `在“自建工程项目”流程中运行 ${offline.length} 个（办理中 ${offline.length} 个，已归档 0 个）` });
    expect(report.get(5)!.findings.map((f) => f.text)).to.include('省平台数据上传已于 2026-11-03 完成（2026-11）');
    expect(report.get(6)!.status).to.equal('attention'); // no district reported in November

    // A catalog item changed directly, without the item-change procedure or a 三合一 reference.
    const item = (await getItem(t.db, 'XK-0001'))!;
    await saveItemVersion(t.db, { ...item, name: `${item.name}（改）`, version: item.version + 1, updatedAt: at('2026-11-20T10:00:00+08:00') }, item.version, {
      changeType: 'change',
      legalGround: 'circumstances-changed',
      reason: '直接修改',
      sunshineRef: null,
      changedBy: 'vendor',
      approvals: [],
      instanceId: null,
      changedAt: at('2026-11-20T10:00:00+08:00'),
    });
    report = await findings('2026-11', '2026-12-01T09:00:00+08:00');
    expect(report.get(8)!.findings[0]).to.deep.equal({ status: 'attention', text: '本期权力事项变更 1 次，其中 1 次未经变更流程；1 次缺少“三合一”平台变更编号' });
    expect([...report.keys()]).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
  });

  it('flags under Art. 13(4) an item change that reached the platform more than 30 days after the 三合一 platform', async () => {
    // Given two changes with their 三合一 date stored: one 8 days after it, one 11 months after it
    const save = async (code: string, sunshineDate: string, when: string) => {
      const item = (await getItem(t.db, code))!;
      await saveItemVersion(t.db, { ...item, version: item.version + 1, updatedAt: at(when) }, item.version, {
        changeType: 'change',
        legalGround: 'circumstances-changed',
        reason: '依“三合一”平台变更调整',
        sunshineRef: `CZSHY-${sunshineDate}`,
        sunshineDate,
        changedBy: 'vendor',
        approvals: [],
        instanceId: null,
        changedAt: at(when),
      });
    };
    await save('XK-0002', '2026-11-13', '2026-11-21T10:00:00+08:00');
    await save('CF-0001', '2025-12-20', '2026-11-22T10:00:00+08:00');
    // When the November report is read
    const report = await findings('2026-11', '2026-12-01T09:00:00+08:00');
    // Then only the late one is flagged, in Art. 8 and as an Art. 13(4) finding, with its lag
    const late = 'CF-0001（三合一 2025-12-20，本平台 2026-11-22，滞后 337 天）';
    expect(report.get(8)!.findings.map((f) => f.text)).to.include(`1 次变更在“三合一”平台变更后超过 30 天才在本平台调整：${late}`);
    expect(report.get(13)!.findings[1]).to.deep.equal({ status: 'attention', text: `第（四）项线索：权力事项信息未及时变更 1 次（超过 30 天）：${late}` });
    expect(report.get(13)!.status).to.equal('attention');
    // And with SUNSHINE_LAG_DAYS=400 nothing is late
    const lenient = await complianceReport(t.db, engine.calendar, monthPeriod('2026-11'), at('2026-12-01T09:00:00+08:00'), { sunshineLagDays: 400 });
    expect(lenient.articles.find((a) => a.article === 13)!.findings.map((f) => f.text)).to.deep.equal(['本期没有责任追究案件', '本期监察规则没有变更']);
    expect((await t.db('power_item_versions').where({ code: 'CF-0001' }).orderBy('version', 'desc').first()).sunshine_date).to.equal('2025-12-20');
  });
});
