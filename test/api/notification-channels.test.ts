import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { robotSign } from '../../src/lib/robot-webhook.ts';
import { registerDelivery } from '../../src/services/delivery.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * Notifications beyond in-app (issue 13, item 9): e-mail through a real SMTP server and a
 * 钉钉/政务微信-style group robot through a local HTTP server. The step only queues a delivery job;
 * the tests drive the job runner (runDue) and move the manual clock for retries — no sleeps.
 */

interface Mail {
  to: string;
  raw: string;
  subject: string;
  text: string;
}

/** An SMTP server in this process that keeps every message it is given. */
async function smtpSink(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((m) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw: raw.toString('utf8'), subject: m.subject ?? '', text: m.text ?? '' });
          done();
        }, done);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Hook {
  url: URL;
  body: { msgtype: string; text: { content: string } };
}

interface Row {
  id: string;
  element_id: string;
  due_at: number | null;
  attempts: number;
  job_id: string;
}

interface IncidentBody {
  type: string;
  elementId: string;
  instanceId: string | null;
}

/** A group robot: answers with `status` (changeable), keeps what it was sent. */
async function robot(): Promise<{ url: string; received: Hook[]; answer: { status: number }; close: () => Promise<void> }> {
  const received: Hook[] = [];
  const answer = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (answer.status === 200) received.push({ url: new URL(req.url!, 'http://x'), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.status === 200 ? { errcode: 0, errmsg: 'ok' } : { error: 'down' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/robot/send?access_token=tok`,
    received,
    answer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (an SMTP server that is down). */
async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('API: notifications by e-mail and group robot (pluggable channels, retried as jobs)', () => {
  let s: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  let hook: Awaited<ReturnType<typeof robot>>;
  let staff: Client;
  let legal: Client;
  const SECRET = 'SECtest-secret';

  const configure = (smtpUrl: string) =>
    registerDelivery({ db: s.db, engine: s.engine }, { smtpUrl, smtpFrom: '权力运行平台 <noreply@czrf.example>', webhookUrl: hook.url, webhookSecret: SECRET });

  before(async () => {
    [smtp, hook] = await Promise.all([smtpSink(), robot()]);
    s = await startServer();
    await deployViaApi(s, reviewFiles);
    configure(`smtp://127.0.0.1:${smtp.port}`);
    [staff, legal] = await Promise.all(['staff', 'legal'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
    await Promise.all([smtp.close(), hook.close()]);
  });

  const start = async (title: string) => {
    const r = await staff.post('/api/process-definitions/api-review/start', { variables: { title, amount: 1 } });
    expect(r.status).to.equal(201);
    return (await s.db('process_instances').where({ id: r.body.id }).first()) as { id: string; case_number: string; subject: string };
  };
  const openTask = async (c: Client, id: string) => (await c.get(`/api/tasks?instance=${id}&candidate=me`)).body.items[0];
  const deliveryJobs = () => s.db('jobs').whereIn('type', ['notify-email', 'notify-webhook']);
  const mailsTo = (user: string) => smtp.mails.filter((m) => m.to === `${user}@czrf.example`);

  it('shows each person the defaults: in-app and e-mail on, the group robot off, with the channels configured', async () => {
    const r = await staff.get('/api/me/notification-preferences');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ channels: { inApp: true, email: true, webhook: false }, email: 'staff@czrf.example', available: { email: true, webhook: true } });
  });

  it('e-mails the candidates of a new task and the applicant of a decision, naming case number and subject in a UTF-8 subject', async () => {
    // Given the applicant starts a case: 政策法规处 (legal) may do its first task
    const c = await start('人防工程竣工验收备案');
    expect(c.case_number).to.be.a('string');
    // Then the step queued a delivery job (nothing is sent inside the step)
    expect(await deliveryJobs()).to.not.have.length(0);
    expect(mailsTo('legal')).to.have.length(0);

    // When the job runner runs the queued jobs
    await s.engine.jobs.runDue();

    // Then legal's mail names the case number and subject, the subject header encoded as UTF-8
    const [mail] = mailsTo('legal');
    expect(mail.subject).to.include('新待办').and.include(c.case_number);
    expect(mail.text).to.include('人防工程竣工验收备案');
    expect(mail.raw).to.match(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(await deliveryJobs()).to.have.length(0);

    // When legal approves
    const t = await openTask(legal, c.id);
    expect((await legal.post(`/api/tasks/${t.id}/complete`, { variables: { decision: 'approve', comment: '同意' } })).status).to.equal(200);
    await s.engine.jobs.runDue();

    // Then the applicant is e-mailed the decision with the case number and subject
    const decided = mailsTo('staff').find((m) => m.subject.includes('法律审核'));
    expect(decided, '申请人收到审批结果邮件').to.not.equal(undefined);
    expect(decided!.subject).to.include(c.case_number);
    expect(decided!.text).to.include('人防工程竣工验收备案');
  });

  it('posts to the group robot for someone who turned it on: a DingTalk text message, signed', async () => {
    // Given the applicant turns the group robot on
    const put = await staff.put('/api/me/notification-preferences', { channels: { inApp: true, email: true, webhook: true } });
    expect(put.status).to.equal(200);
    expect(put.body.channels).to.deep.equal({ inApp: true, email: true, webhook: true });
    const c = await start('机器人通知测试');
    const before = hook.received.length;

    // When legal decides and the jobs run
    const t = await openTask(legal, c.id);
    await legal.post(`/api/tasks/${t.id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    await s.engine.jobs.runDue();

    // Then the robot got a text message to 张明 naming the case, with a valid DingTalk signature
    const got = hook.received.slice(before).filter((h) => h.body.text.content.includes('张明'));
    expect(got).to.have.length(1);
    expect(got[0].body.msgtype).to.equal('text');
    expect(got[0].body.text.content).to.include(c.case_number).and.include('机器人通知测试');
    const ts = Number(got[0].url.searchParams.get('timestamp'));
    expect(got[0].url.searchParams.get('access_token')).to.equal('tok');
    expect(got[0].url.searchParams.get('sign')).to.equal(robotSign(SECRET, ts));
  });

  it('retries a robot that answered 500, with backoff, until it takes the message', async () => {
    // Given the robot is failing
    hook.answer.status = 500;
    const c = await start('重试测试');
    const t = await openTask(legal, c.id);
    await legal.post(`/api/tasks/${t.id}/complete`, { variables: { decision: 'approve', comment: '同意' } });

    // When the job runs, it fails: kept, with one attempt, due again 30 s later
    await s.engine.jobs.runDue();
    const [job] = await s.db('jobs').where({ type: 'notify-webhook' });
    expect(job.attempts).to.equal(1);
    expect(job.last_error).to.include('500');
    expect(Number(job.due_at)).to.equal(s.clock.now() + 30_000);
    expect(await s.engine.jobs.runDue(), 'not due before the backoff').to.equal(0);

    // When the robot recovers and the backoff has passed
    hook.answer.status = 200;
    const before = hook.received.length;
    s.clock.advance(30_000);
    await s.engine.jobs.runDue();

    // Then the message arrives once and the job is gone
    expect(hook.received.slice(before).filter((h) => h.body.text.content.includes(c.case_number))).to.have.length(1);
    expect(await s.db('jobs').where({ type: 'notify-webhook' })).to.have.length(0);
  });

  it('sends no e-mail to someone who turned e-mail off (in-app still comes)', async () => {
    // Given legal turns e-mail off
    expect((await legal.put('/api/me/notification-preferences', { channels: { inApp: true, email: false, webhook: false } })).status).to.equal(200);
    const before = mailsTo('legal').length;

    // When a case gives legal a new task and the jobs run
    const c = await start('不要邮件');
    await s.engine.jobs.runDue();

    // Then legal has the in-app notification but no e-mail, and no job was queued for it
    const note = await s.db('notifications').where({ user_id: 'legal', kind: 'task.new', instance_id: c.id }).first();
    expect(note).to.not.equal(undefined);
    expect(mailsTo('legal')).to.have.length(before);
    expect(await s.db('jobs').whereRaw('payload like ?', [`%${note.id}%`])).to.have.length(0);
  });

  it('refuses to turn in-app off or take a malformed address — nothing changed', async () => {
    const audits = async () => Number((await s.db('audit_log').where({ action: 'notification-preferences.update' }).count({ n: '*' }).first())!.n);
    const n = await audits();
    const before = (await staff.get('/api/me/notification-preferences')).body;

    const off = await staff.put('/api/me/notification-preferences', { channels: { inApp: false, email: false, webhook: false } });
    const bad = await staff.put('/api/me/notification-preferences', { channels: { inApp: true, email: false, webhook: false }, email: 'not an address' });

    expect(off.status).to.equal(422);
    expect(off.body.error.code).to.equal('VALIDATION_FAILED');
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    expect((await staff.get('/api/me/notification-preferences')).body).to.deep.equal(before);
    expect(await audits()).to.equal(n);
  });

  it('commits the step while the SMTP server is down; after five attempts the delivery is an incident supervision sees', async () => {
    // Given the mail server is down, and legal wants e-mail again
    configure(`smtp://127.0.0.1:${await deadPort()}`);
    expect((await legal.put('/api/me/notification-preferences', { channels: { inApp: true, email: true, webhook: false } })).status).to.equal(200);
    await s.db('jobs').whereIn('type', ['notify-email', 'notify-webhook']).delete();

    // When the applicant starts a case
    const c = await start('邮件服务器停机');

    // Then the case is running with legal's task open and in-app notices written
    expect((await s.db('tasks').where({ instance_id: c.id, status: 'open' })).map((t: Row) => t.element_id)).to.deep.equal(['Task_Legal']);
    expect(await s.db('notifications').where({ instance_id: c.id, kind: 'task.new' })).to.not.have.length(0);

    // When the job runner tries five times, waiting out the backoff (30 s, 1, 2, 4 min)
    for (const wait of [0, 30_000, 60_000, 120_000, 240_000]) {
      s.clock.advance(wait);
      expect(await s.engine.jobs.runDue()).to.be.greaterThan(0);
    }

    // Then the e-mail jobs are given up: suspended with 5 attempts and a deliveryFailed incident each
    const jobs = await s.db('jobs').where({ type: 'notify-email' });
    expect(jobs).to.not.have.length(0);
    expect(jobs.every((j: Row) => j.due_at === null && j.attempts === 5)).to.equal(true);
    const supervisor = await s.login('supervisor');
    const incidents = (await supervisor.get('/api/incidents?status=open')).body.items.filter((i: IncidentBody) => i.type === 'deliveryFailed');
    expect(incidents).to.have.length(jobs.length);
    expect(incidents.every((i: IncidentBody) => i.elementId === 'email' && i.instanceId === null)).to.equal(true);
    expect((await s.db('incidents').where({ type: 'deliveryFailed' })).map((i: Row) => i.job_id)).to.have.members(jobs.map((j: Row) => j.id));
    // And the case itself went on untouched
    expect((await s.db('process_instances').where({ id: c.id }).first()).status).to.equal('running');

    // When the mail server is back and supervision retries the incidents
    configure(`smtp://127.0.0.1:${smtp.port}`);
    const before = mailsTo('legal').length;
    for (const i of incidents as Array<IncidentBody & { id: string }>) expect((await supervisor.post(`/api/incidents/${i.id}/retry`, {})).status).to.equal(200);
    await s.engine.jobs.runDue();

    // Then the e-mails are delivered and nothing is left queued
    expect(mailsTo('legal').length).to.be.greaterThan(before);
    expect(mailsTo('legal').some((m) => m.text.includes('邮件服务器停机'))).to.equal(true);
    expect(await s.db('jobs').where({ type: 'notify-email' })).to.have.length(0);
  });
});
