import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process as bpmnProcess, userTask } from '../helpers/bpmn.ts';

const worker = path.resolve(import.meta.dirname, '../fixtures/crash-worker.ts');

describe('engine: a killed server loses nothing committed', function () {
  // Two SIGKILLs and restarts with many instances: minutes on a busy 2-core machine, not seconds.
  this.timeout(400_000);
  let t: TestDatabase;

  before(async () => {
    t = await freshDatabase();
    const engine = await EngineService.create({ db: t.db });
    await engine.deploy(
      [
        {
          name: 'crash.bpmn',
          content: bpmnProcess(
            'crash',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'one')}
            ${userTask('one', '第一步', 'camunda:candidateGroups="staff" camunda:dueDate="P5D"')}
            ${flow('f1', 'one', 'split')}
            <bpmn:parallelGateway id="split" />
            ${flow('f2', 'split', 'two')}
            ${flow('f3', 'split', 'three')}
            ${userTask('two', '第二步', 'camunda:candidateGroups="staff"')}
            ${userTask('three', '第三步', 'camunda:candidateGroups="staff"')}
            ${flow('f4', 'two', 'join')}
            ${flow('f5', 'three', 'join')}
            <bpmn:parallelGateway id="join" />
            ${flow('f6', 'join', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await t.drop();
  });

  async function runAndKill(seed: number, afterLines: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', worker], {
      env: { ...process.env, DB_URL: t.url, DB_SEARCH_PATH: t.searchPath ?? '', WORKER_SEED: String(seed) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const rl = readline.createInterface({ input: child.stdout! });
    await new Promise<void>((resolve) => {
      rl.on('line', (line) => {
        if (line === 'ready') return;
        lines.push(line);
        if (lines.length === afterLines) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    expect(await exited).to.equal('SIGKILL');
    return lines;
  }

  it('finds every committed instance and task intact after SIGKILL, twice, and can carry them all to the end', async () => {
    const committed = [...(await runAndKill(1, 120)), ...(await runAndKill(2, 90))];
    const engine = await EngineService.create({ db: await t.reopen() });
    const started = committed.filter((l) => l.startsWith('started ')).map((l) => l.split(' '));
    const completed = committed.filter((l) => l.startsWith('completed ')).map((l) => l.split(' ')[1]);
    expect(started.length).to.be.greaterThan(100);
    expect(completed.length).to.be.greaterThan(50);

    for (const [, instanceId, taskId] of started) {
      const instance = await engine.getInstance(instanceId);
      expect(instance, `instance ${instanceId}`).to.not.equal(undefined);
      expect((await engine.getTask(taskId))!.elementId).to.equal('one');
    }
    for (const taskId of completed) expect((await engine.getTask(taskId))!.status).to.equal('completed');

    // Nothing half-written: every running instance's open tasks are exactly what its saved
    // engine state waits for, and every history row belongs to a stored instance.
    const { rows: running } = await engine.listInstances({ status: 'running', limit: 10_000 });
    for (const instance of running) {
      const open = (await engine.tasksOfInstance(instance.id)).filter((x) => x.status === 'open');
      expect(open.length, `open tasks of ${instance.id}`).to.be.oneOf([1, 2]);
      const def = await engine.definitions.byId(instance.definitionId);
      const { LiveInstance } = await import('../../src/engine/runtime.ts');
      const state = (await t.db('process_instances').where({ id: instance.id }).first()).state;
      const live = await LiveInstance.recover(def, instance.startEventId, state, instance.variables, engine.clock, instance.id);
      expect(live.pending().tasks.sort()).to.deep.equal(open.map((x) => x.executionId).sort());
    }
    const orphans = await t.db('history').whereNotIn('instance_id', t.db('process_instances').select('id')).count({ n: '*' }).first();
    expect(Number(orphans!.n)).to.equal(0);

    // And the work goes on: every open task can be completed to the end.
    for (let round = 0; round < 3; round++) {
      const { rows } = await engine.listTasks({ status: 'open', limit: 10_000 });
      for (const task of rows) await engine.complete(task.id, { by: { id: 'li', groups: ['staff'] } });
    }
    expect((await engine.listInstances({ status: 'running' })).total).to.equal(0);
    const all = (await engine.listInstances({ limit: 1 })).total;
    expect(all).to.be.at.least(started.length);
    expect((await engine.listInstances({ status: 'completed' })).total).to.equal(all);
  });
});
