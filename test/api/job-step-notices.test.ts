import { expect } from 'chai';
import type { ManualClock } from '../../src/clock.ts';
import { registerDelivery } from '../../src/services/delivery.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { deployViaApi, startServer, type TestServer } from '../helpers/api.ts';
import { applyForm } from './fixtures.ts';

/**
 * Notices of steps the job runner makes (issue 13, item 9): a task a timer creates and a case a
 * timer completes are told like those a person's step makes — in-app and through the delivery
 * channels — naming case number and subject. The tests drive the job runner and the manual clock.
 */

const waitThenReview = process(
  'job-notice-review',
  `
  <bpmn:startEvent id="start" name="提出申请" camunda:formKey="api-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'wait')}
  <bpmn:intermediateCatchEvent id="wait" name="冷静期"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  ${flow('f2', 'wait', 'Task_Legal')}
  <bpmn:userTask id="Task_Legal" name="法律复核" camunda:candidateGroups="legal" />
  ${flow('f3', 'Task_Legal', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
);

const waitThenEnd = process(
  'job-notice-close',
  `
  <bpmn:startEvent id="start" name="提出申请" camunda:formKey="api-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'wait')}
  <bpmn:intermediateCatchEvent id="wait" name="公示期"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  ${flow('f2', 'wait', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
);

interface Note {
  kind: string;
  title: string;
  body: string | null;
  instanceId: string;
}

describe('API: notices of steps the job runner makes (timers)', () => {
  let s: TestServer;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, [
      { name: 'api-apply.form', content: applyForm },
      { name: 'job-notice-review.bpmn', content: waitThenReview },
      { name: 'job-notice-close.bpmn', content: waitThenEnd },
    ]);
    // E-mail configured (the address is never contacted: the tests only look at queued jobs).
    registerDelivery({ db: s.db, engine: s.engine }, { smtpUrl: 'smtp://127.0.0.1:9', smtpFrom: 'noreply@czrf.example', webhookUrl: null, webhookSecret: null });
    await s.engine.jobs.runDue();
  });
  after(() => s.close());

  const start = async (key: string, title: string) => {
    const r = await (await s.login('staff')).post(`/api/process-definitions/${key}/start`, { variables: { title, amount: 1 } });
    expect(r.status).to.equal(201);
    return (await s.db('process_instances').where({ id: r.body.id }).first()) as { id: string; case_number: string };
  };
  // Signed in afresh each time: the clock moves past a session's idle limit.
  const notes = async (user: string, instanceId: string): Promise<Note[]> => ((await (await s.login(user)).get('/api/notifications')).body.items as Note[]).filter((n) => n.instanceId === instanceId);
  const mailJobsFor = async (user: string) => (await s.db('jobs').where({ type: 'notify-email' })).filter((j) => String(j.payload).includes(`"userId":"${user}"`));

  it('tells the candidates of a task a timer created, in-app and by e-mail, naming case number and subject', async () => {
    // Given a case waiting out its one-hour 冷静期: nobody has a task yet
    const c = await start('job-notice-review', '冷静期后复核');
    expect(await notes('legal', c.id)).to.have.length(0);
    const mailsBefore = (await mailJobsFor('legal')).length;

    // When the hour passes and the job runner fires the timer
    (s.clock as ManualClock).advance(3600e3 + 1);
    expect(await s.engine.jobs.runDue()).to.be.greaterThan(0);

    // Then 政策法规处 is told of the new task with the case number and subject
    const got = await notes('legal', c.id);
    expect(got).to.have.length(1);
    expect(got[0].kind).to.equal('task.new');
    expect(got[0].title).to.include('新待办：法律复核').and.include(c.case_number);
    expect(got[0].body).to.include('冷静期后复核');
    // And an e-mail to them is queued in the same step
    expect((await mailJobsFor('legal')).length).to.be.greaterThan(mailsBefore);
  });

  it('tells the applicant when a timer completes the case', async () => {
    // Given a case in its two-hour 公示期
    const c = await start('job-notice-close', '公示期满办结');
    expect((await notes('staff', c.id)).filter((n) => n.kind === 'case.completed')).to.have.length(0);

    // When the timer fires
    (s.clock as ManualClock).advance(2 * 3600e3 + 1);
    await s.engine.jobs.runDue();

    // Then the case is completed and the applicant told, naming case number and subject
    expect((await s.db('process_instances').where({ id: c.id }).first()).status).to.equal('completed');
    const done = (await notes('staff', c.id)).filter((n) => n.kind === 'case.completed');
    expect(done).to.have.length(1);
    expect(done[0].title).to.include('已办结').and.include(c.case_number);
    expect(done[0].body).to.include('公示期满办结');
  });
});
