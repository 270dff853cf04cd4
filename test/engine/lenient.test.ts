import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { DeployProblem } from '../../src/errors.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { expectError } from '../helpers/expect.ts';

/** Issue 12, item 2: files other engines accept deploy here too; nothing answers a server error. */

const owner = 'owner';
const staff = { id: 'zhang', groups: ['staff'] };

function definitions(body: string, opts: { decl?: string; defsAttrs?: string } = {}): string {
  return `${opts.decl ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsd="http://www.w3.org/2001/XMLSchema" id="defs" targetNamespace="http://example.com/lenient" ${opts.defsAttrs ?? ''}>
${body}
</definitions>`;
}

/** start → one user task for staff → end; `flowIds` false leaves the sequence flows without ids. */
function simpleProcess(id: string, opts: { attrs?: string; flowIds?: boolean; extra?: string } = {}): string {
  const fid = (n: string) => (opts.flowIds === false ? '' : `id="${id}_${n}"`);
  return `<process id="${id}" ${opts.attrs ?? ''}>
  ${opts.extra ?? ''}
  <startEvent id="${id}_start" />
  <sequenceFlow ${fid('f1')} sourceRef="${id}_start" targetRef="${id}_task" />
  <userTask id="${id}_task" name="办理" camunda:candidateGroups="staff" />
  <sequenceFlow ${fid('f2')} sourceRef="${id}_task" targetRef="${id}_end" />
  <endEvent id="${id}_end" />
</process>`;
}

describe('engine: lenient parsing (files other engines accept)', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function problemsOf(name: string, content: string): Promise<DeployProblem[]> {
    const err = await expectError(engine.deploy([{ name, content }], { by: owner }), 'DEPLOYMENT_INVALID');
    return err.details;
  }
  const stored = async (key: string) => Number((await t.db('process_definitions').where({ key }).count({ n: '*' }).first())!.n);

  async function deploysAndRuns(key: string, content: string): Promise<string[]> {
    const res = await engine.deploy([{ name: `${key}.bpmn`, content }], { by: owner }).catch((e) => expect.fail(JSON.stringify(e.details)));
    expect(res.items[0]).to.include({ key, version: 1 });
    const started = await engine.start(key, { by: staff });
    expect(started.tasks).to.have.length(1);
    const done = await engine.complete(started.tasks[0].id, { by: staff });
    expect(done.instance.status).to.equal('completed');
    return res.notes.map((n) => n.message);
  }

  it('Given a process without isExecutable (Flowable, Camunda 7 default), when deployed, then it runs and the note says so', async () => {
    const notes = await deploysAndRuns('no-flag', definitions(simpleProcess('no-flag')));
    expect(notes.join('\n')).to.match(/未声明 isExecutable/);
  });

  it('Given several processes, when one is called by the others or marked false, then the remaining one runs; otherwise a clear refusal', async () => {
    const called = `<process id="helper" isExecutable="false"><startEvent id="h_start" /></process>`;
    const notes = await deploysAndRuns('two-procs', definitions(called + simpleProcess('two-procs')));
    expect(notes.join('\n')).to.match(/未声明 isExecutable/);

    const problems = await problemsOf('ambiguous.bpmn', definitions(simpleProcess('amb-a') + simpleProcess('amb-b')));
    expect(problems[0].message).to.match(/发现 2 个可执行流程（amb-a、amb-b）.*isExecutable="false"/);
    expect(await stored('amb-a')).to.equal(0);
  });

  it('Given a file whose processes are all isExecutable="false", when deployed, then it is stored and versioned as Camunda 7 stores it, but starting it answers 409 PROCESS_NOT_EXECUTABLE', async () => {
    // Given a documentation model (every process marked isExecutable="false")
    const content = definitions(simpleProcess('none-a', { attrs: 'isExecutable="false"', extra: '<scriptTask id="s" scriptFormat="js"><script>x</script></scriptTask>' }));
    // When it is deployed
    const res = await engine.deploy([{ name: 'none.bpmn', content }], { by: owner });
    // Then version 1 is stored, the note says it cannot be started, and nothing of it is scheduled
    expect(res.items[0]).to.include({ key: 'none-a', version: 1, kind: 'process' });
    expect(res.notes.map((n) => n.message).join('\n')).to.include('非可执行流程（isExecutable="false"）：已保存，不能发起');
    expect(await stored('none-a')).to.equal(1);
    const jobs = Number((await t.db('jobs').where({ definition_id: 'none-a:1' }).count({ n: '*' }).first())!.n);
    expect(jobs).to.equal(0);
    // When someone starts it, then 409 and no instance exists
    await expectError(engine.start('none-a', { by: staff }), 'PROCESS_NOT_EXECUTABLE');
    expect(Number((await t.db('process_instances').where({ definition_id: 'none-a:1' }).count({ n: '*' }).first())!.n)).to.equal(0);
    // And a changed file is a new version, still stored only
    const again = await engine.deploy([{ name: 'none.bpmn', content: content.replace('办理', '办理（修订）') }], { by: owner });
    expect(again.items[0]).to.include({ key: 'none-a', version: 2 });
  });

  it('Given a send task with neither message nor handler (bpmn-engine\'s messaging example), when deployed and run, then it passes like a plain task and the note says so', async () => {
    const body = `<process id="send-nothing" isExecutable="true">
      <startEvent id="s" /><sequenceFlow id="f1" sourceRef="s" targetRef="ping" />
      <sendTask id="ping" name="Ping" /><sequenceFlow id="f2" sourceRef="ping" targetRef="t" />
      <userTask id="t" name="办理" camunda:candidateGroups="staff" /><sequenceFlow id="f3" sourceRef="t" targetRef="e" /><endEvent id="e" />
    </process>`;
    const notes = await deploysAndRuns('send-nothing', definitions(body));
    expect(notes.join('\n')).to.match(/发送任务 ping（Ping） 没有引用消息.*按普通任务直接通过/);
  });

  it('Given a message catch event without messageRef, when deployed, then it waits for a message named after the element and goes on when that message comes', async () => {
    const body = `<process id="catch-unnamed" isExecutable="true">
      <startEvent id="s" /><sequenceFlow id="f1" sourceRef="s" targetRef="waitHere" />
      <intermediateCatchEvent id="waitHere"><messageEventDefinition /></intermediateCatchEvent>
      <sequenceFlow id="f2" sourceRef="waitHere" targetRef="e" /><endEvent id="e" />
    </process>`;
    const res = await engine.deploy([{ name: 'catch-unnamed.bpmn', content: definitions(body) }], { by: owner });
    expect(res.notes.map((n) => n.message).join('\n')).to.include('按消息名称 "waitHere" 等待');
    const started = await engine.start('catch-unnamed', { by: staff, businessKey: 'CU-1' });
    expect(started.instance.status).to.equal('running');
    const delivered = await engine.correlateMessage('waitHere', { businessKey: 'CU-1' });
    expect(delivered.instance.status).to.equal('completed');
  });

  it('Given an ISO-8859-1 encoding declaration on decoded text, when deployed, then it runs', async () => {
    const notes = await deploysAndRuns('latin', definitions(simpleProcess('latin', { attrs: 'isExecutable="true"' }), { decl: '<?xml version="1.0" encoding="ISO-8859-1"?>' }));
    expect(notes.join('\n')).not.to.match(/encoding/);
  });

  it('Given extension attributes in the wrong place, xsd item types and harmless top-level elements, when deployed, then it runs with notes', async () => {
    const top = `<itemDefinition id="item1" structureRef="xsd:string" />
<resource id="res1" name="办事员" />
<interface id="if1" name="接口"><operation id="op1" name="op" /></interface>
<signal id="sig1" name="信号" />
<escalation id="esc1" name="上报" escalationCode="E1" />
<message id="msgNoName" />
<collaboration id="collab"><participant id="p1" processRef="harmless" /><participant id="p2" /><messageFlow id="mf1" sourceRef="p2" targetRef="harmless_task" messageRef="msgNoName" /></collaboration>`;
    const proc = simpleProcess('harmless', { attrs: 'isExecutable="true"', extra: '<dataObject id="do1" itemSubjectRef="xsd:string" />' });
    const notes = await deploysAndRuns('harmless', definitions(top + proc, { defsAttrs: 'camunda:historyTimeToLive="180"' }));
    expect(notes.join('\n')).to.match(/camunda:historyTimeToLive/);
    expect(notes.join('\n')).to.match(/xsd:string/);
  });

  it('Given sequence flows without ids, when deployed, then ids are generated and every start runs (formerly 500 "Consumer tag must be unique")', async () => {
    const notes = await deploysAndRuns('no-ids', definitions(simpleProcess('no-ids', { attrs: 'isExecutable="true"', flowIds: false })));
    expect(notes.join('\n')).to.match(/Flow_no-ids_start_no-ids_task/);
    const again = await engine.start('no-ids', { by: staff });
    expect(again.tasks).to.have.length(1);
  });

  it('Given an empty laneSet (Bizagi), when deployed, then it runs (formerly 500 "laneSet.lanes is not iterable")', async () => {
    await deploysAndRuns('lanes', definitions(simpleProcess('lanes', { attrs: 'isExecutable="true"', extra: '<laneSet id="ls1" />' })));
  });

  it('Given an unknown BPMN element or a dangling sequence flow, when deployed, then it is still refused (it would change what runs)', async () => {
    const bogus = await problemsOf('bogus.bpmn', definitions(simpleProcess('bogus', { attrs: 'isExecutable="true"', extra: '<bogusThing id="b" />' })));
    expect(bogus.some((p) => /不符合 BPMN 2.0 规范/.test(p.message))).to.equal(true);
    const dangling = await problemsOf('dangling.bpmn', definitions(simpleProcess('dangling', { attrs: 'isExecutable="true"', extra: '<sequenceFlow id="x" sourceRef="dangling_task" targetRef="nowhere" />' })));
    expect(dangling.some((p) => /nowhere/.test(p.message))).to.equal(true);
    expect(await stored('bogus')).to.equal(0);
    expect(await stored('dangling')).to.equal(0);
  });

  it('Given a message event on a nameless message, when deployed, then it is refused naming the message', async () => {
    const body = `<message id="anon" />
<process id="anon-wait" isExecutable="true">
  <startEvent id="s" /><sequenceFlow id="f1" sourceRef="s" targetRef="c" />
  <intermediateCatchEvent id="c"><messageEventDefinition messageRef="anon" /></intermediateCatchEvent>
  <sequenceFlow id="f2" sourceRef="c" targetRef="e" /><endEvent id="e" />
</process>`;
    const problems = await problemsOf('anon.bpmn', definitions(body));
    expect(problems.find((p) => p.element === 'anon')!.message).to.match(/没有名称/);
    expect(await stored('anon-wait')).to.equal(0);
  });
});
