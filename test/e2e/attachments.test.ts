import { expect } from 'chai';
import { fillField, formField, screenshot, signIn, signOut } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/** An application with evidence files (filepicker) that a unit head reviews. */
const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_att" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-evidence" name="材料报送（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="报送" camunda:formKey="e2e-evidence-apply"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Review" name="审查材料" camunda:candidateGroups="unit-heads"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="办结"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Review" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-evidence">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Review_di" bpmnElement="Task_Review"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-evidence-apply',
  components: [
    { type: 'textfield', key: 'title', label: '报送事项', validate: { required: true } },
    { type: 'filepicker', key: 'evidence', label: '证明材料', multiple: true, validate: { required: true } },
  ],
});

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('E2E: attachments — a file picked on the start form is uploaded, linked to the case and read by the reviewer', function () {
  const s = serverAndBrowser();

  before(async () => {
    await (await apiAs(s.server.baseUrl, 'owner')).deploy({ files: [{ name: 'e2e-evidence-apply.form', content: FORM }, { name: 'e2e-evidence.bpmn', content: BPMN }] });
  });

  it('lets staff attach a PDF, refuses a disguised file, and shows the PDF to the unit head on the task', async () => {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'staff');
    await page.goto(`${s.server.baseUrl}/start/e2e-evidence`);
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    await fillField(page, '报送事项', '人防工程竣工验收材料');
    const picker = formField(page, '证明材料').locator('input[type="file"]');

    // A program renamed to .pdf is refused by its bytes, with the server's Chinese message
    await picker.setInputFiles({ name: '验收报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]) });
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('不支持的附件类型').first().waitFor();

    // A real PDF goes through: the case starts with it
    await picker.setInputFiles({ name: '验收报告.pdf', mimeType: 'application/pdf', buffer: PDF });
    const started = page.waitForResponse((r) => r.url().endsWith('/api/process-definitions/e2e-evidence/start'));
    await page.getByRole('button', { name: '提交申请' }).click();
    const res = await started;
    expect(res.status()).to.equal(201);
    const instanceId = (await res.json()).id;
    await page.waitForURL(/\/requests/);
    await signOut(page);

    // The unit head opens the review task and finds the attachment, downloadable with the same bytes
    await signIn(page, s.server.baseUrl, 'head');
    const head = await apiAs(s.server.baseUrl, 'head');
    const task = (await head.get('/api/tasks?candidate=me')).items.find((t: any) => t.instanceId === instanceId);
    await page.goto(`${s.server.baseUrl}/tasks/${task.id}`);
    const link = page.locator('.attachments-card a', { hasText: '验收报告.pdf' });
    await link.waitFor();
    expect(await page.locator('.attachments-card h2').innerText()).to.equal('附件（1）');
    await screenshot(page, 'attachments-task');
    const download = await page.request.get(`${s.server.baseUrl}${await link.getAttribute('href')}`);
    expect(download.status()).to.equal(200);
    expect(Buffer.compare(await download.body(), PDF)).to.equal(0);
    await signOut(page);
  });
});
