import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';

const zhang: Actor = { id: 'zhang', groups: ['staff'] };
const actor = (id: string): Actor => ({ id, groups: ['leaders'] });

const ZEEBE = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A multi-instance marker: Camunda 7 attributes, or Camunda 8's zeebe:loopCharacteristics. */
function marker(loop: { sequential?: boolean; condition?: string; zeebe?: boolean }): string {
  const condition = loop.condition ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escape(loop.condition)}</bpmn:completionCondition>` : '';
  if (loop.zeebe) {
    return `<bpmn:multiInstanceLoopCharacteristics isSequential="${Boolean(loop.sequential)}">
      <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=reviewers" inputElement="reviewer" outputCollection="opinions" outputElement="={who: reviewer, ok: approved}" /></bpmn:extensionElements>${condition}
    </bpmn:multiInstanceLoopCharacteristics>`;
  }
  return `<bpmn:multiInstanceLoopCharacteristics isSequential="${Boolean(loop.sequential)}" camunda:collection="reviewers" camunda:elementVariable="reviewer">${condition}</bpmn:multiInstanceLoopCharacteristics>`;
}

/**
 * A countersign over a whole sub-process: each reviewer first reviews, then (if they approve) signs,
 * each in their own instance; then filing.
 */
function subProcessCountersign(id: string, loop: { sequential?: boolean; condition?: string; zeebe?: boolean }): string {
  return process(
    id,
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'review')}
    <bpmn:subProcess id="review" name="分别审查">
      ${marker(loop)}
      <bpmn:startEvent id="rs" />
      ${flow('r1', 'rs', 'check')}
      <bpmn:userTask id="check" name="审查" camunda:assignee="\${reviewer}" />
      ${flow('r2', 'check', 'gw')}
      <bpmn:exclusiveGateway id="gw" default="r4" />
      ${flow('r3', 'gw', 'sign', '${approved}')}
      ${flow('r4', 'gw', 're')}
      <bpmn:userTask id="sign" name="签字" camunda:assignee="\${reviewer}" />
      ${flow('r5', 'sign', 're')}
      <bpmn:endEvent id="re" />
    </bpmn:subProcess>
    ${flow('f2', 'review', 'file')}
    <bpmn:userTask id="file" name="归档" camunda:candidateGroups="staff" />
    ${flow('f3', 'file', 'end')}
    <bpmn:endEvent id="end" />`,
    { attrs: '' },
  ).replace('xmlns:xsi=', `${ZEEBE} xmlns:xsi=`);
}

/** A countersign by call activity: one child instance per reviewer. */
function callCountersign(id: string, loop: { sequential?: boolean; condition?: string; zeebe?: boolean }): string {
  return process(
    id,
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'ask')}
    <bpmn:callActivity id="ask" name="征求意见" calledElement="opinion">
      <bpmn:extensionElements>
        <camunda:in source="reviewer" target="who" />
        <camunda:in source="topic" target="topic" />
        <camunda:out source="approved" target="approved" />
      </bpmn:extensionElements>
      ${marker(loop)}
    </bpmn:callActivity>
    ${flow('f2', 'ask', 'file')}
    <bpmn:userTask id="file" name="归档" camunda:candidateGroups="staff" />
    ${flow('f3', 'file', 'end')}
    <bpmn:endEvent id="end" />`,
  ).replace('xmlns:xsi=', `${ZEEBE} xmlns:xsi=`);
}

const opinion = process(
  'opinion',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'give')}
  <bpmn:userTask id="give" name="出具意见" camunda:assignee="\${who}" />
  ${flow('f2', 'give', 'end')}
  <bpmn:endEvent id="end" />`,
);

describe('engine: multi-instance sub-processes and call activities (会签 over a whole sub-process)', function () {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
    await engine.deploy(
      [
        { name: 'sub-all.bpmn', content: subProcessCountersign('sub-all', { zeebe: true }) },
        { name: 'sub-any.bpmn', content: subProcessCountersign('sub-any', { condition: '${nrOfCompletedInstances >= 1}' }) },
        { name: 'sub-seq.bpmn', content: subProcessCountersign('sub-seq', { sequential: true }) },
        { name: 'opinion.bpmn', content: opinion },
        { name: 'call-all.bpmn', content: callCountersign('call-all', { zeebe: true }) },
        { name: 'call-seq.bpmn', content: callCountersign('call-seq', { sequential: true, condition: '=approved = false' }) },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function open(e: EngineService, instanceId: string) {
    return (await e.tasksOfInstance(instanceId)).filter((x) => x.status === 'open').sort((a, b) => String(a.assignee).localeCompare(String(b.assignee)));
  }

  async function settle<T>(e: EngineService, check: () => Promise<T | undefined | false>): Promise<T> {
    for (let i = 0; i < 300; i++) {
      await e.jobs.runDue();
      const v = await check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('condition not reached');
  }

  async function children(e: EngineService, parentId: string) {
    return (await e.listInstances({ parentInstanceId: parentId } as Parameters<EngineService['listInstances']>[0])).rows;
  }

  it('parallel sub-process: each reviewer works in an instance of their own, with their own variables, and the output collection gathers every result', async () => {
    // Given a countersign over the review sub-process by li, wang and zhao (Camunda 8 loop)
    const { instance, tasks } = await engine.start('sub-all', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'] } });
    expect(tasks.map((x) => [x.elementId, x.assignee]).sort()).to.deep.equal([
      ['check', 'li'],
      ['check', 'wang'],
      ['check', 'zhao'],
    ]);
    // When li approves and wang does not, each instance goes its own way on its own answer
    const [li, wang] = await open(engine, instance.id);
    await engine.complete(li.id, { by: actor('li'), variables: { approved: true } });
    await engine.complete(wang.id, { by: actor('wang'), variables: { approved: false } });
    expect((await open(engine, instance.id)).map((x) => [x.elementId, x.assignee])).to.deep.equal([
      ['sign', 'li'],
      ['check', 'zhao'],
    ]);
    // and the instance's own variables are untouched by what the reviewers submitted
    expect((await engine.getInstance(instance.id))!.variables).to.not.have.property('approved');
    // When the restarted server (a fresh engine) takes the rest
    const fresh = await EngineService.create({ db: await t.reopen() });
    try {
      const rest = await open(fresh, instance.id);
      await fresh.complete(rest.find((x) => x.assignee === 'zhao')!.id, { by: actor('zhao'), variables: { approved: true } });
      const signs = (await open(fresh, instance.id)).filter((x) => x.elementId === 'sign');
      expect(signs.map((x) => x.assignee)).to.deep.equal(['li', 'zhao']);
      for (const s of signs) await fresh.complete(s.id, { by: actor(s.assignee!) });
      // Then filing is next, and the output collection lists every reviewer's result in order
      expect((await open(fresh, instance.id)).map((x) => x.elementId)).to.deep.equal(['file']);
      const vars = (await fresh.getInstance(instance.id))!.variables;
      expect(vars.opinions).to.deep.equal([
        { who: 'li', ok: true },
        { who: 'wang', ok: false },
        { who: 'zhao', ok: true },
      ]);
      const end = (await fresh.history(instance.id)).find((h) => h.type === 'activity.end' && h.elementId === 'review' && h.data);
      expect(end!.data).to.include({ nrOfInstances: 3, nrOfCompletedInstances: 3 });
    } finally {
      await fresh.stop();
    }
  });

  it('或签 over a sub-process: the first instance to finish ends the loop and the others\' tasks are cancelled', async () => {
    const { instance } = await engine.start('sub-any', { by: zhang, variables: { reviewers: ['li', 'wang'] } });
    const [li] = await open(engine, instance.id);
    await engine.complete(li.id, { by: actor('li'), variables: { approved: false } });
    expect((await open(engine, instance.id)).map((x) => x.elementId)).to.deep.equal(['file']);
    const wang = (await engine.tasksOfInstance(instance.id)).find((x) => x.assignee === 'wang')!;
    expect(wang.status).to.equal('cancelled');
  });

  it('sequential sub-process: one reviewer after another, each seeing only their own item', async () => {
    const { instance, tasks } = await engine.start('sub-seq', { by: zhang, variables: { reviewers: ['li', 'wang'] } });
    expect(tasks.map((x) => x.assignee)).to.deep.equal(['li']);
    await engine.complete(tasks[0].id, { by: actor('li'), variables: { approved: false } });
    const [next] = await open(engine, instance.id);
    expect([next.elementId, next.assignee]).to.deep.equal(['check', 'wang']);
    await engine.complete(next.id, { by: actor('wang'), variables: { approved: false } });
    expect((await open(engine, instance.id)).map((x) => x.elementId)).to.deep.equal(['file']);
  });

  it('parallel call activity: one child per reviewer with its own item mapped in, results gathered in order', async () => {
    const { instance } = await engine.start('call-all', { by: zhang, variables: { reviewers: ['li', 'wang'], topic: '用地' } });
    const kids = await settle(engine, async () => {
      const rows = await children(engine, instance.id);
      return rows.length === 2 && rows;
    });
    const vars = await Promise.all(kids.map(async (k) => (await engine.getInstance(k.id))!.variables));
    expect(vars.map((v) => v.who).sort()).to.deep.equal(['li', 'wang']);
    expect(vars.every((v) => v.topic === '用地')).to.equal(true);
    for (const k of kids) {
      const [give] = await open(engine, k.id);
      await engine.complete(give.id, { by: actor(give.assignee!), variables: { approved: give.assignee === 'li' } });
    }
    const [file] = await settle(engine, async () => {
      const o = await open(engine, instance.id);
      return o.length > 0 && o;
    });
    expect(file.elementId).to.equal('file');
    const parentVars = (await engine.getInstance(instance.id))!.variables;
    expect(parentVars.opinions).to.deep.equal([
      { who: 'li', ok: true },
      { who: 'wang', ok: false },
    ]);
    expect(parentVars).to.not.have.property('approved');
  });

  it('sequential call activity: the next child starts when the previous ends; a "no" ends the loop', async () => {
    const { instance } = await engine.start('call-seq', { by: zhang, variables: { reviewers: ['li', 'wang', 'zhao'], topic: '规划' } });
    const first = await settle(engine, async () => (await children(engine, instance.id))[0]);
    expect((await engine.getInstance(first.id))!.variables.who).to.equal('li');
    const [give] = await open(engine, first.id);
    await engine.complete(give.id, { by: actor('li'), variables: { approved: true } });
    const second = await settle(engine, async () => (await children(engine, instance.id)).find((k) => k.id !== first.id));
    expect((await engine.getInstance(second.id))!.variables.who).to.equal('wang');
    const [give2] = await open(engine, second.id);
    await engine.complete(give2.id, { by: actor('wang'), variables: { approved: false } });
    const [file] = await settle(engine, async () => {
      const o = await open(engine, instance.id);
      return o.length > 0 && o;
    });
    expect(file.elementId).to.equal('file');
    expect(await children(engine, instance.id)).to.have.length(2);
  });
});
