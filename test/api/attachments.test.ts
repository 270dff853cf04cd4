import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { zipOf } from '../helpers/zip.ts';

/** A request with evidence files (filepicker) that a unit head reviews. */
const applyForm = JSON.stringify({
  type: 'default',
  components: [
    { id: 'a1', type: 'textfield', key: 'title', label: '事项', validate: { required: true } },
    { id: 'a2', type: 'filepicker', key: 'evidence', label: '证明材料', multiple: true, validate: { required: true } },
  ],
});
const attachBpmn = process(
  'api-attach',
  `
  <bpmn:startEvent id="start" camunda:formKey="api-attach-apply" />
  ${flow('f1', 'start', 'review')}
  ${userTask('review', '审查材料', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'review', 'end')}
  <bpmn:endEvent id="end" />
`,
);

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('API: attachments — typed by their bytes, read exactly as their case', () => {
  let s: TestServer;
  const clients = new Map<string, Client>();
  const as = async (user: string) => {
    let c = clients.get(user);
    if (!c) clients.set(user, (c = await s.login(user)));
    return c;
  };
  const upload = async (user: string, name: string, bytes: Uint8Array, extra?: (f: FormData) => void) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    extra?.(form);
    return (await as(user)).post('/api/attachments', undefined, { raw: form });
  };
  const stored = async () => Number((await s.db('attachments').count({ n: '*' }).first())?.n);
  const instances = async () => Number((await s.db('process_instances').count({ n: '*' }).first())?.n);

  before(async () => {
    s = await startServer({ limits: { attachmentBytes: 4096, attachmentsUnlinked: 3 } });
    await deployViaApi(s, [
      { name: 'api-attach-apply.form', content: applyForm },
      { name: 'api-attach.bpmn', content: attachBpmn },
    ]);
  });
  after(async () => {
    await s.close();
  });

  let pdf: { id: string; name: string; size: number; sha256: string };
  let instanceId: string;

  it('stores an upload with its hash; until it is part of a case only its uploader reads it', async () => {
    // When staff uploads a PDF
    const res = await upload('staff', '营业执照.pdf', PDF);
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ name: '营业执照.pdf', size: PDF.length, sha256: sha(PDF), contentType: 'application/pdf', instanceId: null });
    pdf = { id: res.body.id, name: res.body.name, size: res.body.size, sha256: res.body.sha256 };
    // Then staff reads the same bytes back, as a download that is never rendered inline
    const back = await fetch(`${s.url}/api/attachments/${pdf.id}`, { headers: { authorization: `Bearer ${(await as('staff')).token}` } });
    expect(back.status).to.equal(200);
    expect(back.headers.get('content-type')).to.equal('application/pdf');
    expect(back.headers.get('content-disposition')).to.equal(`attachment; filename*=UTF-8''${encodeURIComponent('营业执照.pdf')}`);
    expect(back.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(sha(new Uint8Array(await back.arrayBuffer()))).to.equal(pdf.sha256);
    // And nobody else, not even supervision, before it is submitted
    for (const user of ['head', 'supervisor']) {
      const r = await (await as(user)).get(`/api/attachments/${pdf.id}`);
      expect(r.status, user).to.equal(403);
      expect(r.body.error.code).to.equal('ATTACHMENT_FORBIDDEN');
    }
    const audit = (await (await as('supervisor')).get('/api/audit?action=attachment.upload')).body.items;
    expect(audit[0]).to.include({ actor: 'staff', objectId: pdf.id });
  });

  it('recognises OFD, DOCX, XLSX, JPEG and PNG by content', async () => {
    const docx = await upload('staff2', 'a.bin', zipOf({ '[Content_Types].xml': '<T/>', 'word/document.xml': '<w/>' }));
    expect(docx.status, docx.text).to.equal(201);
    expect(docx.body.contentType).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const png = await upload('staff2', '截图.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(png.body.contentType).to.equal('image/png');
  });

  it('refuses other types (415), too large (413), several files (413), no file (400), a JSON body (415) and too many pending uploads (409), storing nothing', async () => {
    const before = await stored();
    const exe = await upload('staff', '通知.pdf', new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]));
    expect(exe.status).to.equal(415);
    expect(exe.body.error.code).to.equal('UNSUPPORTED_FILE_TYPE');
    expect(exe.body.error.message).to.contain('不支持的附件类型');
    const html = await upload('staff', 'a.docx', new TextEncoder().encode('<html><script>alert(1)</script></html>'));
    expect(html.body.error.code).to.equal('UNSUPPORTED_FILE_TYPE');
    const big = await upload('staff', 'big.pdf', Buffer.concat([PDF, Buffer.alloc(5000, 0x20)]));
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    const two = await upload('staff', 'a.pdf', PDF, (f) => f.append('other', new Blob([PDF]), 'b.pdf'));
    expect(two.status).to.equal(413);
    const none = await (await as('staff')).post('/api/attachments', undefined, { raw: (() => { const f = new FormData(); f.append('x', '1'); return f; })() });
    expect(none.status).to.equal(400);
    expect(none.body.error.details).to.deep.equal([{ field: 'file', message: '没有上传文件' }]);
    const json = await (await as('staff')).post('/api/attachments', { file: 'JVBERi0=' });
    expect(json.status).to.equal(415);
    expect(await stored()).to.equal(before);
    // staff has one pending upload; the limit in this test is three
    expect((await upload('staff', '2.pdf', PDF)).status).to.equal(201);
    expect((await upload('staff', '3.pdf', PDF)).status).to.equal(201);
    const fourth = await upload('staff', '4.pdf', PDF);
    expect(fourth.status).to.equal(409);
    expect(fourth.body.error.code).to.equal('ATTACHMENT_LIMIT');
    expect(await stored()).to.equal(before + 2);
  });

  it('refuses a start referencing someone else\'s upload or a wrong hash, starting nothing and linking nothing', async () => {
    const others = (await s.db('attachments').where({ uploaded_by: 'staff2' }).first('id', 'sha256'));
    const count = await instances();
    const foreign = await (await as('staff')).post('/api/process-definitions/api-attach/start', { variables: { title: '借用', evidence: [{ id: others.id, name: 'x', size: 1, sha256: others.sha256 }] } });
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.code).to.equal('ATTACHMENT_FORBIDDEN');
    const wrong = await (await as('staff')).post('/api/process-definitions/api-attach/start', { variables: { title: '篡改', evidence: [{ ...pdf, sha256: '0'.repeat(64) }] } });
    expect(wrong.status).to.equal(422);
    expect(wrong.body.error.details).to.deep.equal([{ field: 'evidence', message: '附件不存在或内容不符，请重新上传' }]);
    const notRef = await (await as('staff')).post('/api/process-definitions/api-attach/start', { variables: { title: '文字', evidence: 'C:\\\\证明.pdf' } });
    expect(notRef.status).to.equal(422);
    expect(await instances()).to.equal(count);
    expect(await s.db('attachments').whereNotNull('instance_id').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('links the upload to the case at start; from then on it is read exactly as the case is', async () => {
    const started = await (await as('staff')).post('/api/process-definitions/api-attach/start', { variables: { title: '设立申请', evidence: [pdf] } });
    expect(started.status, started.text).to.equal(201);
    instanceId = started.body.id;
    expect(started.body.variables.evidence).to.deep.equal([pdf]);
    // The unit heads (candidates of the open review) and supervision read it; a stranger does not
    for (const user of ['staff', 'head', 'supervisor']) expect((await (await as(user)).get(`/api/attachments/${pdf.id}`)).status, user).to.equal(200);
    const stranger = await (await as('staff2')).get(`/api/attachments/${pdf.id}`);
    expect(stranger.status).to.equal(403);
    expect(stranger.body.error.code).to.equal('ATTACHMENT_FORBIDDEN');
    const list = await (await as('head')).get(`/api/process-instances/${instanceId}/attachments`);
    expect(list.body.items.map((a: any) => [a.id, a.name, a.instanceId])).to.deep.equal([[pdf.id, '营业执照.pdf', instanceId]]);
    expect((await (await as('staff2')).get(`/api/process-instances/${instanceId}/attachments`)).status).to.equal(403);
    // A second case cannot take it over
    const again = await (await as('staff')).post('/api/process-definitions/api-attach/start', { variables: { title: '再用', evidence: [pdf] } });
    expect(again.status).to.equal(403);
    expect(again.body.error.code).to.equal('ATTACHMENT_FORBIDDEN');
    expect((await (await as('head')).get('/api/attachments/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
  });

  it('links what a task completion references to the case, with the task, in the same step', async () => {
    // Given, a minute later, the unit head uploads a review note and completes the review referencing it
    s.clock.advance(60_000);
    const note = await upload('head', '审查意见.pdf', PDF);
    expect(note.status).to.equal(201);
    const head = await as('head');
    const taskId = (await head.get('/api/tasks?candidate=me')).body.items.find((t: any) => t.instanceId === instanceId).id;
    expect((await head.post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
    const ref = { id: note.body.id, name: note.body.name, size: note.body.size, sha256: note.body.sha256 };
    const done = await head.post(`/api/tasks/${taskId}/complete`, { variables: { reviewNote: [ref] } });
    expect(done.status, done.text).to.equal(200);
    // Then the case lists both, the note with the task it came with, and the applicant reads the note
    const list = (await (await as('staff')).get(`/api/process-instances/${instanceId}/attachments`)).body.items;
    expect(list.map((a: any) => [a.name, a.taskId])).to.deep.equal([['营业执照.pdf', null], ['审查意见.pdf', taskId]]);
    expect((await (await as('staff')).get(`/api/attachments/${ref.id}`)).status).to.equal(200);
  });
});
