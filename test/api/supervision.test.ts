import { expect } from 'chai';
import { SupervisionScheduler } from '../../src/domain/supervision/scheduler.ts';
import { scanCaseWarnings } from '../../src/domain/supervision/cases.ts';
import { verifyAudit } from '../../src/domain/audit.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

const at = (iso: string) => Date.parse(iso);

describe('API: electronic supervision over HTTP', function () {
  this.timeout(120_000);
  let s: TestServer;

  before(async () => {
    s = await startServer({ procedures: true });
  });
  after(async () => {
    await s.close();
  });

  it('warns about an overdue case in the notification inbox, opens one review, and marks notifications read', async () => {
    const staff = await s.login('engineer'); // QT-0001 is the engineering office's item
    // QT-0001 (promised: 5 working days) started on Tuesday 12-01 is due at the end of 12-08.
    const started = await staff.post('/api/power-items/QT-0001/start', {
      variables: {
        itemCode: 'QT-0001',
        partyType: 'organisation',
        partyName: '常州某开发有限公司',
        partyCreditCode: '91320402MA1W2K3X8K',
        partyAddress: '常州市天宁区某路1号',
        contactPhone: '0519-88888888',
        projectName: '某小区防空地下室',
        applicationSummary: '申请办理人防工程竣工验收备案，材料齐全',
        materialsComplete: true,
      },
    });
    expect(started.status, started.text).to.equal(201);
    const scheduler = new SupervisionScheduler({ db: s.db, clock: s.clock, node: 'test', since: at('2026-11-01T00:00:00+08:00'), extra: [(now) => scanCaseWarnings(s.db, s.engine.calendar, now)] });
    await scheduler.tick();
    const supervisor = await s.login('supervisor');
    expect((await supervisor.get('/api/case-warnings')).body.items).to.deep.equal([]);

    s.clock.set(at('2026-12-09T01:00:00+08:00'));
    await scheduler.tick();
    await s.engine.jobs.runDue();
    // A week later: sessions have expired, everybody signs in again.
    const staffAgain = await s.login('staff');
    const supervisorAgain = await s.login('supervisor');
    const warnings = (await supervisorAgain.get('/api/case-warnings')).body.items;
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ instanceId: started.body.id, itemCode: 'QT-0001', level: 'red' });
    expect(warnings[0].accountabilityQueuedAt).to.be.a('string');
    const reviews = await supervisorAgain.get('/api/process-instances?key=accountability-review');
    expect(reviews.status, reviews.text).to.equal(200);
    expect(reviews.body.items.filter((i: any) => i.variables?.sourceRef === started.body.id || i.businessKey?.startsWith('ZR-'))).to.have.length(1);

    const forbidden = await staffAgain.get('/api/case-warnings');
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.error.code).to.equal('FORBIDDEN');

    const inbox = await supervisorAgain.get('/api/notifications?unread=true');
    expect(inbox.status).to.equal(200);
    expect(inbox.body.items.map((n: any) => n.kind)).to.include('case.red');
    expect(inbox.body.unread).to.be.greaterThan(0);
    const marked = await supervisorAgain.post('/api/notifications/read', {});
    expect(marked.status).to.equal(200);
    expect(marked.body.updated).to.equal(inbox.body.unread);
    expect((await supervisorAgain.get('/api/notifications?unread=true')).body.unread).to.equal(0);
    expect((await supervisorAgain.post('/api/notifications/read', { ids: 'all' })).status).to.equal(400);
    s.clock.set(at('2026-12-01T09:00:00+08:00'));
  });

  it('reports weekly logins and the compliance report to supervision only', async () => {
    const supervisor = await s.login('supervisor');
    const week = await supervisor.get('/api/compliance/logins?week=2026-W49');
    expect(week.status).to.equal(200);
    // The accounts were made on Tuesday 2026-12-01, in week 49: shown, not yet required.
    const me = week.body.lines.find((l: any) => l.userId === 'supervisor' && l.role === 'supervision');
    expect(me).to.include({ required: 0, exempt: true, ok: true });
    expect(me.logins).to.be.at.least(1); // the sign-ins of this test run count
    const next = (await supervisor.get('/api/compliance/logins?week=2026-W50')).body.lines.find((l: any) => l.userId === 'supervisor' && l.role === 'supervision');
    expect(next).to.include({ required: 3, exempt: false });
    expect((await supervisor.get('/api/compliance/logins?week=2026-W99')).body.error.code).to.equal('BAD_PERIOD');
    const report = await supervisor.get('/api/compliance/report?from=2026-12-01&to=2026-12-31');
    expect(report.status).to.equal(200);
    expect(report.body.articles.map((a: any) => a.article)).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    const staff = await s.login('staff');
    expect((await staff.get('/api/compliance/report')).status).to.equal(403);
    expect((await supervisor.get('/api/compliance/report?from=2026-12-01')).status).to.equal(400);
  });

  it('gives statistics to supervision and to a unit head for their own unit, also as CSV', async () => {
    const supervisor = await s.login('supervisor');
    const all = await supervisor.get('/api/stats?from=2026-12-01&to=2026-12-31');
    expect(all.status).to.equal(200);
    expect(all.body).to.include.keys('people', 'units', 'from', 'to');
    const head = await s.login('head');
    const own = await head.get('/api/stats?from=2026-12-01&to=2026-12-31');
    expect(own.status).to.equal(200);
    expect(own.body.units.every((u: any) => u.unitId === 'inspection-brigade')).to.equal(true);
    const csv = await head.get('/api/stats.csv?from=2026-12-01&to=2026-12-31');
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/text\/csv/);
    expect(csv.text.replace(/^\ufeff/, '').startsWith('类型,编号,名称')).to.equal(true);
    expect((await (await s.login('staff')).get('/api/stats')).status).to.equal(403);
  });

  it('lets engineering make, download and record the monthly provincial package; audit rows chain', async () => {
    const engineer = await s.login('engineer');
    const made = await engineer.post('/api/provincial-uploads', { month: '2026-11' });
    expect(made.status).to.equal(201);
    expect(made.body).to.include({ month: '2026-11', trigger: 'manual', createdBy: 'engineer' });
    const file = await engineer.get(`/api/provincial-uploads/${made.body.id}/package`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('x-manifest-verified')).to.equal('true');
    expect(JSON.parse(file.text).manifest.sha256).to.equal(made.body.sha256);
    const recorded = await engineer.post(`/api/provincial-uploads/${made.body.id}/uploaded`, { receipt: 'SJ-2026-12-01' });
    expect(recorded.status).to.equal(200);
    expect(recorded.body.receipt).to.equal('SJ-2026-12-01');
    const again = await engineer.post(`/api/provincial-uploads/${made.body.id}/uploaded`, { receipt: 'x' });
    expect(again.status).to.equal(409);
    expect((await engineer.post(`/api/provincial-uploads/${made.body.id}/uploaded`, {})).status).to.equal(400);
    const staff = await s.login('staff');
    expect((await staff.post('/api/provincial-uploads', {})).status).to.equal(403);
    const audit = await (await s.login('supervisor')).get('/api/audit?action=provincial.uploaded');
    expect(audit.body.items.map((r: any) => r.action)).to.deep.equal(['provincial.uploaded']);
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('imports a signed district file once, refuses a changed one, and lets a district reporter export only their own', async () => {
    const supervisor = await s.login('supervisor');
    const key = await supervisor.post('/api/district-exchange/keys', { districtId: 'district-wujin' });
    expect(key.status).to.equal(201);
    const reporter = await s.login('wujin');
    const exported = await reporter.post('/api/district-exchange/exports', { from: '2026-11-01', to: '2026-12-31', districtId: 'district-wujin', keyId: key.body.keyId, privateKeyPem: key.body.privateKeyPem });
    expect(exported.status).to.equal(200);
    const other = await reporter.post('/api/district-exchange/exports', { from: '2026-11-01', to: '2026-12-31', districtId: 'district-jintan', keyId: key.body.keyId, privateKeyPem: key.body.privateKeyPem });
    expect(other.status).to.equal(403);

    const first = await supervisor.post('/api/district-exchange/imports', { file: exported.text });
    expect(first.status).to.equal(201);
    expect(first.body).to.include({ districtId: 'district-wujin', alreadyImported: false });
    const second = await supervisor.post('/api/district-exchange/imports', { file: exported.text });
    expect(second.status).to.equal(200);
    expect(second.body.alreadyImported).to.equal(true);
    const damaged = await supervisor.post('/api/district-exchange/imports', { file: exported.text.replace('"district-wujin"', '"district-wujim"') });
    expect(damaged.status).to.equal(400);
    expect(damaged.body.error.code).to.match(/^EXCHANGE_/);
    expect((await supervisor.get('/api/district-exchange/imports')).body.items).to.have.length(1);
  });

  it('lets supervision confirm a suggested shared-account case, which opens an accountability review', async () => {
    for (const [ip, minute] of [['10.3.3.3', '00'], ['10.4.4.4', '10']]) {
      await s.db('login_events').insert({ username: 'head', success: true, reason: 'ok', ip, user_agent: 't', at: at(`2026-12-01T10:${minute}:00+08:00`) });
    }
    const scheduler = new SupervisionScheduler({ db: s.db, clock: s.clock, node: 'test', since: at('2026-11-01T00:00:00+08:00') });
    s.clock.set(at('2026-12-02T09:00:00+08:00'));
    await scheduler.tick();
    const supervisor = await s.login('supervisor');
    const open = await supervisor.get('/api/accountability-suggestions?status=open');
    const suggestion = open.body.items.find((x: any) => x.userId === 'head' && x.kind === 'two-ips');
    expect(suggestion).to.not.equal(undefined);
    const confirmed = await supervisor.post(`/api/accountability-suggestions/${suggestion.id}/confirm`, { facts: '处室负责人账号在 10 分钟内从两个不同终端登录，疑似出借账号' });
    expect(confirmed.status).to.equal(200);
    const review = await supervisor.get(`/api/process-instances/${confirmed.body.instanceId}`);
    expect(review.status).to.equal(200);
    expect(review.body.variables).to.include({ category: '3', subjectUserId: 'head' });
    expect((await supervisor.post(`/api/accountability-suggestions/${suggestion.id}/confirm`, {})).status).to.equal(409);
    expect((await supervisor.post(`/api/accountability-suggestions/no-such/dismiss`, { reason: '误报' })).status).to.equal(404);
  });
});
