import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { seedDemoData } from '../../src/domain/demo-records.ts';
import { seedOrganisation } from '../../src/domain/org.ts';
import { EngineService } from '../../src/engine/service.ts';
import { HANDLERS, registerHandlers } from '../../src/services/index.ts';
import { listItems } from '../../src/store/catalog.ts';
import { listPowerRecords, listProjects } from '../../src/store/records.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { root, START } from '../helpers/procedures.ts';

describe('procedures: npm start deploys every process and form', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db, clock: new ManualClock(START) });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('deploys all of processes/ and forms/ at once with the handlers registered, as main.ts does', async () => {
    // Given the demo organisation and data, and the handlers registered before deploying
    await seedOrganisation(t.db, START, true);
    await seedDemoData(t.db, START);
    registerHandlers({ db: t.db, engine, clock: engine.clock });
    // When the two directories are deployed
    const res = await engine.deployDirectories(path.join(root, 'processes'), path.join(root, 'forms'));
    // Then every file is a new version, and each BPMN names only registered handlers
    const bpmn = fs.readdirSync(path.join(root, 'processes')).filter((f) => f.endsWith('.bpmn'));
    const forms = fs.readdirSync(path.join(root, 'forms')).filter((f) => f.endsWith('.form'));
    expect(res.items.filter((i) => i.kind === 'process').map((i) => i.file).sort()).to.deep.equal(bpmn.sort());
    expect(res.items.filter((i) => i.kind === 'form')).to.have.length(forms.length);
    expect(bpmn).to.include.members(['item-change.bpmn', 'user-role-change.bpmn', 'data-deletion.bpmn', 'fault-report.bpmn', 'accountability-review.bpmn', 'penalty-case.bpmn']);
    const topics = bpmn.flatMap((f) => [...fs.readFileSync(path.join(root, 'processes', f), 'utf8').matchAll(/camunda:topic="([^"]+)"/g)].map((m) => m[1]));
    // (HANDLERS plus the platform's own, which need the engine: platform.activateDeployment …)
    expect([...new Set(topics)].sort()).to.deep.equal([...engine.handlers.keys()].sort());
    expect(Object.keys(HANDLERS).every((h) => topics.includes(h))).to.equal(true);
    // And a second start changes nothing
    const again = await engine.deployDirectories(path.join(root, 'processes'), path.join(root, 'forms'));
    expect(again.items.every((i) => i.unchanged)).to.equal(true);
  });

  it('seeds the catalog and the demo records once', async () => {
    const items = await listItems(t.db);
    expect(items.map((i) => i.code)).to.include.members(['XK-0001', 'QT-0001', 'CF-0001']);
    expect(items.find((i) => i.code === 'XK-0003')!.status).to.equal('retired');
    expect((await listPowerRecords(t.db)).length).to.equal(5);
    expect((await listProjects(t.db, { onlineRequired: true })).map((p) => p.investment)).to.have.members([680000, 1250000]);
    expect(await seedDemoData(t.db, START)).to.deep.equal({ items: 0, records: 0 });
  });
});
