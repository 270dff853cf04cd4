import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { runStatements, type Statement } from '../../src/db/batch.ts';
import { EngineService } from '../../src/engine/service.ts';
import { listInboxTasks } from '../../src/store/inbox.ts';
import { insertInstanceStmt } from '../../src/store/instances.ts';
import { insertTasksStmts, listTasks, type TaskFilter, type TaskRow } from '../../src/store/tasks.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

/**
 * The inbox query answers exactly what the engine's reference `listTasks` answers, both when a
 * person may claim few tasks (read and sort) and many (walk the open tasks in order).
 */
describe('Inbox query: same answers as listTasks, sparse and dense', () => {
  let t: TestDatabase;
  const users = ['u1', 'u2', 'u3'];

  before(async () => {
    t = await freshDatabase();
    const engine = await EngineService.create({ db: t.db });
    const xml = process('inbox-q', `<bpmn:startEvent id="s" />${flow('f', 's', 'x')}${userTask('x', '办理', 'camunda:candidateGroups="g-common"')}`);
    const { items } = await engine.deploy([{ name: 'inbox-q.bpmn', content: xml }], { by: 'test' });
    const statements: Statement[] = [];
    const tasks: TaskRow[] = [];
    for (let i = 0; i < 1500; i++) {
      const id = randomUUID();
      statements.push(
        insertInstanceStmt(
          { id, definitionId: items[0].id, processKey: 'inbox-q', businessKey: `K-${i}`, startEventId: 's', status: 'running', version: 1, variables: {}, startedBy: 'u1', startedAt: i, endedAt: null, endedBy: null, endReason: null },
          '{}',
        ),
      );
      // 1,350 tasks for the common group, 30 for the rare one, user candidates sprinkled in,
      // a fifth assigned, one in ten completed, one in seven without a due date.
      const group = i % 50 === 0 ? 'g-rare' : i % 10 === 9 ? 'g-other' : 'g-common';
      tasks.push({
        id: randomUUID(), instanceId: id, executionId: `e${i}`, elementId: 'x', name: `办理 ${i}`, processKey: 'inbox-q', definitionId: items[0].id,
        businessKey: `K-${i}`, formKey: null, candidateGroups: [group], candidateUsers: i % 13 === 0 ? [users[i % 3]] : [],
        assignee: i % 5 === 0 ? users[i % 3] : null, status: i % 10 === 3 ? 'completed' : 'open', priority: 50,
        createdAt: 1_000_000 + ((i * 7919) % 1500) * 1000, claimedAt: null, completedAt: null, completedBy: null,
        dueAt: i % 7 === 0 ? null : 5_000_000 + ((i * 104729) % 1500) * 1000, yellowAt: null, followUpAt: null, variables: null, properties: {},
      });
    }
    statements.push(...insertTasksStmts(tasks));
    await runStatements(t.db, statements);
    await engine.stop();
  });
  after(async () => {
    await t.drop();
  });

  const who = (user: string, gs: string[]) => ({ user, groups: gs });
  const cases: Array<[string, TaskFilter]> = [
    ['dense claimable', { status: 'open', claimableBy: who('u1', ['g-common']) }],
    ['dense claimable by due', { status: 'open', claimableBy: who('u1', ['g-common']), sort: 'due' }],
    ['dense claimable by -due, page 3', { status: 'open', claimableBy: who('u2', ['g-common', 'g-rare']), sort: '-due', offset: 100, limit: 50 }],
    ['dense claimable by -created, deep page', { status: 'open', claimableBy: who('u3', ['g-common']), sort: '-created', offset: 900, limit: 40 }],
    ['sparse claimable', { status: 'open', claimableBy: who('u2', ['g-rare']) }],
    ['sparse claimable by due', { status: 'open', claimableBy: who('u1', []), sort: 'due' }],
    ['visible (mine or claimable)', { status: 'open', visibleTo: who('u1', ['g-common']) }],
    ['visible by due, page 2', { status: 'open', visibleTo: who('u2', ['g-rare', 'g-other']), sort: 'due', offset: 20, limit: 20 }],
    ['visible and assigned to me', { status: 'open', visibleTo: who('u3', ['g-common']), assignee: 'u3' }],
    ['visible, text search', { status: 'open', visibleTo: who('u1', ['g-common']), q: 'K-1' }],
    ['assigned to me', { status: 'open', assignee: 'u2', sort: 'due' }],
    ['completed claimable', { status: 'completed', claimableBy: who('u1', ['g-common']) }],
    ['overdue claimable', { status: 'open', claimableBy: who('u1', ['g-common']), overdueAt: 5_600_000, sort: 'due' }],
    ['past the end', { status: 'open', claimableBy: who('u1', ['g-common']), offset: 5000 }],
  ];

  for (const [label, filter] of cases) {
    it(`${label}`, async () => {
      const expected = await listTasks(t.db, filter);
      const actual = await listInboxTasks(t.db, filter);
      expect(actual.total).to.equal(expected.total);
      expect(actual.rows.map((r) => r.id)).to.deep.equal(expected.rows.map((r) => r.id));
      expect(actual.rows).to.deep.equal(expected.rows);
    });
  }

  it('covers both ways of reading a page (the dense case walks, the sparse case does not)', async () => {
    const dense = await listInboxTasks(t.db, { status: 'open', claimableBy: who('u1', ['g-common']), limit: 1 });
    const sparse = await listInboxTasks(t.db, { status: 'open', claimableBy: who('u2', ['g-rare']), limit: 1 });
    expect(dense.total).to.be.greaterThan(500);
    expect(sparse.total).to.be.greaterThan(0).and.lessThan(500);
  });
});
