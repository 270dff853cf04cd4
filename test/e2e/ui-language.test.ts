import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { launch, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

/**
 * Terms that stay in Latin script on purpose: formats and standards people know by these names,
 * "U盘", the letter prefixes of the catalogue's item codes (XK 许可, CF 处罚…), and the two
 * keywords of the separation-of-duties syntax a process owner types.
 */
const ALLOWED = new Set(['BPMN', 'DMN', 'ID', 'PDF', 'CSV', 'JSON', 'FEEL', 'IP', 'IPv', 'URL', 'HTML', 'UTC', 'SHA', 'PEM', 'U', 'XK', 'CF', 'QZ', 'ZS', 'JC', 'QT', 'starter', 'var']);

/** A notice with a date, a choice and a list of rows: the form-js widgets with words of their own. */
const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_lang" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-lang" name="语言检查（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="发起" camunda:formKey="e2e-lang-form"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="核对" camunda:candidateGroups="staff" camunda:formKey="e2e-lang-form" camunda:dueDate="P3D"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="办结"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-lang">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Check_di" bpmnElement="Task_Check"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-lang-form',
  components: [
    { type: 'text', text: '### 语言检查\n请填写。' },
    { type: 'textfield', key: 'title', label: '标题', validate: { required: true } },
    { type: 'datetime', key: 'day', subtype: 'date', dateLabel: '日期' },
    { type: 'select', key: 'kind', label: '类别', values: [{ label: '甲类', value: 'a' }, { label: '乙类', value: 'b' }] },
    { type: 'number', key: 'count', label: '数量' },
    { type: 'dynamiclist', path: 'rows', label: '明细', isRepeating: true, allowAddRemove: true, defaultRepetitions: 1, components: [{ type: 'textfield', key: 'what', label: '内容' }] },
  ],
});

/**
 * Every Latin-script word a person can read or hear on the page (text, placeholders, titles,
 * accessible names) that is not an allowed term. Not checked: what people typed or modelled
 * (input values, code editors, `<code>`), codes with digits (XK-0001, P5D, SHA-256), record ids,
 * keyboard shortcuts, and bpmn.io's "Powered by" mark, which its licence requires to stay.
 */
async function englishOn(page: Page): Promise<string[]> {
  const texts: string[] = await page.evaluate(`(() => {
    const out = [];
    const skip = (el) => !el || el.closest('script,style,noscript,code,kbd,.cm-editor,.bjs-powered-by,.fjs-powered-by,[hidden]');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === 3) { if (!skip(n.parentElement)) out.push(n.nodeValue); continue; }
      if (skip(n)) continue;
      for (const a of ['placeholder', 'aria-label', 'title', 'alt']) { const v = n.getAttribute(a); if (v) out.push(v); }
    }
    out.push(document.title);
    return out;
  })()`);
  const bad = new Set<string>();
  for (const text of texts) {
    const cleaned = text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '')
      .replace(/Powered by bpmn\.io/g, '')
      .replace(/\b(Ctrl|Shift|Alt)\+[A-Z]\b/g, '');
    for (const word of cleaned.match(/[A-Za-z][A-Za-z0-9_\-.:']*/g) ?? []) {
      const w = word.replace(/[.:\-']+$/, '');
      if (/\d/.test(w) || ALLOWED.has(w)) continue;
      bad.add(`${w} «${text.trim().slice(0, 60)}»`);
    }
  }
  return [...bad];
}

/** Opens every collapsed section of a properties panel (each click re-renders the panel). */
async function openAllSections(page: Page, panel: string): Promise<void> {
  const headers = page.locator(`${panel} .bio-properties-panel-group-header`);
  const n = await headers.count();
  for (let i = 0; i < n; i++) {
    const header = headers.nth(i);
    if (!/\bopen\b/.test((await header.getAttribute('class')) ?? '')) await header.click();
  }
}

/** Waits until the page has loaded what it shows (no spinner, no request in flight). */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await until(async () => (await page.locator('.loading').count()) === 0, 'the page to finish loading');
}

describe('E2E: no English in front of users — every page and dialog, as each role', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;
  let instanceId: string;
  const found: Record<string, string[]> = {};

  async function visit(where: string, act?: () => Promise<void>): Promise<void> {
    if (where.startsWith('/')) await page.goto(`${base}${where}`);
    await settled(page);
    if (act) {
      await act();
      await settled(page);
    }
    const words = await englishOn(page);
    if (words.length) found[`${where}`] = words;
  }

  async function walkNavigation(): Promise<void> {
    const hrefs = await page.locator('nav.nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    for (const href of hrefs) await visit(href);
    await visit('/password');
    await visit('通知面板', async () => {
      await page.locator('button.bell').click();
      await page.locator('#notif-panel').waitFor();
    });
  }

  before(async () => {
    server = await startServer();
    base = server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-lang-form.form', content: FORM }, { name: 'e2e-lang.bpmn', content: BPMN }] });
    const head = await apiAs(base, 'head');
    instanceId = (await head.post('/api/process-definitions/e2e-lang/start', { businessKey: 'LANG-1', variables: { title: '核对样本', kind: 'a', count: 2, rows: [{ what: '一' }] } })).id;
    b = await launch();
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  beforeEach(() => {
    for (const k of Object.keys(found)) delete found[k];
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(JSON.stringify(found, null, 1));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('the sign-in page, before anyone signs in', async () => {
    await visit('/login');
    expect(found).to.deep.equal({});
  });

  it('a member of staff: inbox, a task with its date picker and list rows, every start form, requests', async () => {
    await signIn(page, base, 'staff');
    await walkNavigation();
    const defs: Array<{ key: string }> = (await (await apiAs(base, 'staff')).get('/api/process-definitions')).items ?? [];
    for (const d of defs) await visit(`/start/${d.key}`);
    const tasks = (await (await apiAs(base, 'staff')).get('/api/tasks')).items as Array<{ id: string; processInstanceId?: string }>;
    expect(tasks.length, 'the test task is in the inbox').to.be.greaterThan(0);
    await visit(`/tasks/${tasks[0].id}`, async () => {
      const claim = page.getByRole('button', { name: '认领' });
      if (await claim.count()) {
        await claim.click();
        await page.locator('.fjs-form').last().waitFor();
      }
      // The task page shows the case's content (read-only) above the form to fill: open the latter's date picker.
      await page.locator('.fjs-form').last().locator('.fjs-datepicker input').first().click();
      await page.locator('.flatpickr-calendar.open').waitFor();
    });
    await page.keyboard.press('Escape');
    await signOut(page);
    expect(found).to.deep.equal({});
  });

  it('a unit head and a leader: statistics, unit tasks, deployments', async () => {
    for (const who of ['head', 'leader']) {
      await signIn(page, base, who);
      await walkNavigation();
      await signOut(page);
    }
    expect(found).to.deep.equal({});
  });

  it('the supervision office: every monitor page, the instance page and the cancel dialog', async () => {
    await signIn(page, base, 'supervisor');
    await walkNavigation();
    for (const p of ['/monitor/logins', '/monitor/report', '/monitor/stats', '/monitor/warnings', '/monitor/uploads', '/monitor/exchange', '/monitor/unit-tasks']) await visit(p);
    await visit(`/monitor/instances/${instanceId}`);
    await visit('撤销实例对话框', async () => {
      await page.getByRole('button', { name: '撤销实例' }).click();
      await page.locator('dialog[open]').waitFor();
    });
    await page.keyboard.press('Escape');
    await signOut(page);
    expect(found).to.deep.equal({});
  });

  it('a process owner: the modeler with a user task selected, the form editor with a field selected, the new-process dialog', async () => {
    await signIn(page, base, 'owner');
    await walkNavigation();
    await visit('新建流程对话框', async () => {
      await page.goto(`${base}/modeler`);
      await settled(page);
      await page.getByRole('button', { name: '新建流程' }).click();
      await page.locator('dialog[open]').waitFor();
    });
    await page.keyboard.press('Escape');
    await visit('/modeler/processes/e2e-lang', async () => {
      await page.locator('.djs-element[data-element-id="Task_Check"]').click();
      await page.locator('.bio-properties-panel-header', { hasText: '核对' }).waitFor();
      await openAllSections(page, 'body');
    });
    await visit('/modeler/forms/e2e-lang-form', async () => {
      await page.locator('.fjs-editor-container .fjs-form-field-datetime, .fjs-editor-container [data-field-type="datetime"]').first().click();
      await page.locator('.fjs-properties-panel .bio-properties-panel-header').waitFor();
      await openAllSections(page, '.fjs-properties-panel');
    });
    await signOut(page);
    expect(found).to.deep.equal({});
  });

  it('a district reporter and the engineering office: export, uploads', async () => {
    for (const who of ['wujin', 'engineer']) {
      await signIn(page, base, who);
      await walkNavigation();
      await signOut(page);
    }
    expect(found).to.deep.equal({});
  });
});
