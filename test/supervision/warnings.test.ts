import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { actorOf, seedOrganisation } from '../../src/domain/org.ts';
import { scanWarnings } from '../../src/domain/supervision/warnings.ts';
import { EngineService } from '../../src/engine/service.ts';
import { listNotifications } from '../../src/store/notifications.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: yellow and red warnings reach the right people once', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-09-30T10:00:00+08:00'));
    await seedOrganisation(t.db, clock.now(), true);
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        {
          name: 'limited.bpmn',
          content: process(
            'limited',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'review')}
            ${userTask('review', '法制审核', 'camunda:candidateGroups="legal" camunda:dueDate="P3D"')}
            ${flow('f1', 'review', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function inbox(user: string) {
    return (await listNotifications(t.db, user)).rows.map((n) => `${n.kind}:${n.title}`);
  }

  it('announces yellow across the National Day holiday, then red, each once, to the documented people', async () => {
    // A colleague of the inspection brigade (contact: staff, head: head) starts a case on 09-30.
    const { tasks } = await engine.start('limited', { by: (await actorOf(t.db, 'staff2'))!, businessKey: 'CASE-7' });
    const [task] = tasks;

    // During the holiday nothing is used up: still green on 10-07.
    clock.set(at('2026-10-07T20:00:00+08:00'));
    expect(await scanWarnings(t.db, clock.now())).to.deep.equal({ yellow: 0, red: 0 });

    // Yellow at 10-10 09:36 (80 % of three working days: 10-08, 10-09 and the adjusted Saturday 10-10).
    clock.set(at('2026-10-10T09:36:00+08:00'));
    expect(await scanWarnings(t.db, clock.now())).to.deep.equal({ yellow: 1, red: 0 });
    expect(await scanWarnings(t.db, clock.now())).to.deep.equal({ yellow: 0, red: 0 });
    expect(await inbox('legal')).to.deep.equal(['task.yellow:黄色预警：法制审核（LIMITED-2026-00001）即将到期']);
    expect(await inbox('staff')).to.have.length(1); // the unit's contact person
    expect(await inbox('head')).to.have.length(0);
    expect(await inbox('supervisor')).to.have.length(0);

    // The legal officer claims it; red on 10-11 goes to the assignee, contact, head and supervision.
    await engine.claim(task.id, { by: (await actorOf(t.db, 'legal'))! });
    clock.set(at('2026-10-11T00:00:01+08:00'));
    // Two nodes scanning at once still announce it once.
    const other = await t.reopen();
    const [r1, r2] = await Promise.all([scanWarnings(t.db, clock.now()), scanWarnings(other, clock.now())]);
    expect(r1.red + r2.red).to.equal(1);
    expect(await inbox('legal')).to.have.length(2);
    expect(await inbox('staff')).to.have.length(2);
    expect(await inbox('head')).to.deep.equal(['task.red:红色预警：法制审核（LIMITED-2026-00001）已超期']);
    expect(await inbox('supervisor')).to.have.length(1);
    expect(await inbox('supervisor2')).to.have.length(1);
    expect(await inbox('leader')).to.have.length(0);
    expect(await scanWarnings(t.db, clock.now() + 86_400_000)).to.deep.equal({ yellow: 0, red: 0 });
  });

  it('does not warn about a task finished in time', async () => {
    clock.set(at('2026-11-02T09:00:00+08:00'));
    const { tasks } = await engine.start('limited', { by: (await actorOf(t.db, 'staff2'))! });
    await engine.complete(tasks[0].id, { by: (await actorOf(t.db, 'legal'))! });
    clock.set(at('2026-11-20T09:00:00+08:00'));
    expect(await scanWarnings(t.db, clock.now())).to.deep.equal({ yellow: 0, red: 0 });
  });
});
