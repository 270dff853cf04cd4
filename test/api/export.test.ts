import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parseBpmn, type ProcessModel } from '../../src/engine/model.ts';
import { deployViaApi, startServer, type TestServer } from '../helpers/api.ts';

/**
 * Issue 12, item 4: any deployed version exported for Camunda 7 or Camunda 8 carries the same
 * meanings in the target's dialect, and the export deploys again unchanged.
 */

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/bpmn-corpus');
const read = (f: string) => fs.readFileSync(path.join(CORPUS, f), 'utf8');

/** What a process means for the people and handlers, dialect aside. */
async function meanings(xml: string, opts: { initiator?: boolean } = {}): Promise<unknown> {
  const { model, problems } = await parseBpmn(xml, { formExists: () => true, handlerExists: () => true });
  expect(problems).to.deep.equal([]);
  const m = model as ProcessModel;
  // `${x}` (JUEL, Camunda 7 / Flowable) and `=x` (FEEL, Camunda 8) are the same expression here.
  const expr = (v: string | undefined) => v?.replace(/^\$\{(.*)\}$/s, '=$1');
  return {
    starters: [m.starterGroups ?? [], m.starterUsers ?? []],
    elements: [...m.elements.values()]
      .filter((e) => e.type !== 'bpmn:SequenceFlow')
      .map((e) => ({ id: e.id, assignee: expr(e.assignee), groups: e.candidateGroups, users: e.candidateUsers, form: e.formKey, due: expr(e.dueDate), handler: e.handler, initiator: opts.initiator === false ? undefined : e.initiator }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

describe('API: export of a deployed version for Camunda 7 and Camunda 8', () => {
  let s: TestServer;

  before(async () => {
    s = await startServer({ handlers: { email: () => undefined } });
  });
  after(async () => {
    await s.close();
  });

  const cases = [
    { file: 'flowable-examples/blog__2022-02-flowable-spring-native__processes__oneTaskProcess.bpmn20.xml', name: 'oneTaskProcess.bpmn20.xml', key: 'oneTaskProcess', foreign: /flowable:assignee/ },
    { file: 'camunda-platform-get-started/process__send-email.bpmn', name: 'send-email.bpmn', key: 'send-email', foreign: /zeebe:/ },
  ];

  for (const c of cases) {
    it(`Given ${c.name} deployed, when exported for Camunda 7 and for Camunda 8, then each export speaks only the target's dialect, means the same, and deploys again`, async () => {
      const original = read(c.file);
      const deployed = await deployViaApi(s, [{ name: c.name, content: original }]);
      const version = deployed.items.find((i: any) => i.kind === 'process').version;
      const owner = await s.login('owner');
      const want = await meanings(original);

      // Camunda 7
      const c7 = await owner.get(`/api/process-definitions/${c.key}/versions/${version}/export?target=camunda7`);
      expect(c7.status, c7.text).to.equal(200);
      expect(c7.headers.get('content-disposition')).to.contain(`${c.key}-v${version}.camunda7.bpmn`);
      expect(c7.text).to.match(/modeler:executionPlatform="Camunda Platform"/);
      expect(c7.text).to.match(/camunda:historyTimeToLive="180"/);
      expect(c7.text).to.not.match(c.foreign);
      expect(c7.text).to.not.match(/zeebe:(assignmentDefinition|taskDefinition|formDefinition)/);
      expect(await meanings(c7.text)).to.deep.equal(want);

      // Camunda 8
      const c8 = await owner.get(`/api/process-definitions/${c.key}/versions/${version}/export?target=camunda8`);
      expect(c8.status, c8.text).to.equal(200);
      expect(c8.text).to.match(/modeler:executionPlatform="Camunda Cloud"/);
      expect(c8.text).to.not.match(/camunda:(assignee|candidateGroups|topic|formKey)=/);
      expect(c8.text).to.not.match(/flowable:assignee/);
      // Camunda 8 has no initiator variable (the starting application passes the starter itself).
      expect(await meanings(c8.text)).to.deep.equal(await meanings(original, { initiator: false }));

      // Each export re-imports: deployed, it is a new version that starts.
      for (const [target, text] of [['camunda7', c7.text], ['camunda8', c8.text]]) {
        const again = await deployViaApi(s, [{ name: `${c.key}.bpmn`, content: text }]);
        const item = again.items.find((i: any) => i.kind === 'process');
        expect(item).to.include({ key: c.key, unchanged: false });
        // As in Camunda 8, whoever starts the Camunda 8 export passes the starter as a variable.
        const started = await owner.post(`/api/process-definitions/${c.key}/start`, target === 'camunda8' ? { variables: { initiator: 'owner' } } : {});
        expect(started.status, started.text).to.equal(201);
      }
    });
  }

  it('Given a wrong target or an unknown version, then 400 or 404 and nothing is written', async () => {
    const owner = await s.login('owner');
    const bad = await owner.get('/api/process-definitions/send-email/versions/1/export?target=zeebe');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('target');
    expect((await owner.get('/api/process-definitions/send-email/versions/1/export')).status).to.equal(400);
    const none = await owner.get('/api/process-definitions/send-email/versions/99/export?target=camunda7');
    expect(none.status).to.equal(404);
    expect(none.body.error.code).to.equal('PROCESS_VERSION_NOT_FOUND');
  });
});
