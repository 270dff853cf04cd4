import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { download, embeddedFonts, pdfPages } from '../helpers/pdf.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * 审批单 as PDF (issue 13, item 10): GET /api/process-instances/:id/approval-sheet.pdf is an A4 PDF
 * with the CJK font embedded, holding the case number, subject, applicant and unit, the content
 * under its form labels, every step's opinion and the verification code of the printable page;
 * whoever may not read the case gets the case's refusal and no document.
 */
describe('API: 审批单 PDF', () => {
  let s: TestServer;
  let staff: Client;
  let legal: Client;
  let leader: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, reviewFiles);
    [staff, legal, leader] = await Promise.all(['staff', 'legal', 'leader'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const openTask = async (c: Client, instanceId: string) => (await c.get(`/api/tasks?instance=${instanceId}&candidate=me`)).body.items[0];

  it('prints the decided case with its content, opinions and verification code in an embedded CJK font', async () => {
    // Given 张明's request, approved by 赵法 and rejected by the leader, each with their own words
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '购置执法记录仪', amount: 12000 } });
    const id = started.body.id;
    s.clock.advance(60_000);
    await legal.post(`/api/tasks/${(await openTask(legal, id)).id}/complete`, { variables: { decision: 'approve', comment: '符合规定' } });
    s.clock.advance(60_000);
    await leader.post(`/api/tasks/${(await openTask(leader, id)).id}/complete`, { variables: { decision: 'reject', comment: '预算不足' } });
    const sheet = await staff.get(`/api/process-instances/${id}/approval-sheet`);

    // When the applicant downloads the 审批单 as PDF
    const pdf = await download(staff, `/api/process-instances/${id}/approval-sheet.pdf`);

    // Then it is a PDF, offered as a download named after the case
    expect(pdf.status).to.equal(200);
    expect(pdf.contentType).to.equal('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.disposition).to.match(/^attachment; filename="approval-sheet\.pdf"; filename\*=UTF-8''/);
    // And the CJK font travels inside the file (regular and bold, subset)
    const fonts = embeddedFonts(pdf.bytes);
    expect(fonts.some((f) => /^[A-Z]{6}\+NotoSansSC.*Regular$/.test(f)), fonts.join()).to.equal(true);
    // And it reads as the printable page does: labels, not keys; every step with handler, unit, decision, comment
    const text = (await pdfPages(pdf.bytes)).join('\n');
    const caseNumber = started.body.caseNumber ?? id;
    for (const expected of [caseNumber, '事由', '申请人', '张明', '事项名称', '购置执法记录仪', '金额', '12000', '法律审核', '赵法', '政策法规处', '同意', '符合规定', '分管局领导审批', '陈立新', '不同意', '预算不足', '附件', '无附件', '已办结'])
      expect(text, expected).to.include(expected);
    expect(text).to.not.match(/\bamount\b|\btitle\b/);
    // And the verification code is the one the HTML 审批单 shows
    expect(text.replace(/\s+/g, '')).to.include(`核验码：${sheet.body.verificationCode}`);
  });

  it('refuses a reader who may not see the case, and a case that does not exist, with no document', async () => {
    // Given a request 张明 started and the leader has not touched
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '他人不可见', amount: 1 } });
    const caseAudit = async () => Number((await s.db('audit_log').where({ instance_id: started.body.id }).count({ n: '*' }).first())!.n);
    const before = await caseAudit();
    // When another unit's reviewer and an anonymous caller ask for its PDF, and someone asks for a missing case
    const stranger = await s.login('engineer');
    const refused = await stranger.get(`/api/process-instances/${started.body.id}/approval-sheet.pdf`);
    const anonymous = await s.anonymous().get(`/api/process-instances/${started.body.id}/approval-sheet.pdf`);
    const missing = await staff.get('/api/process-instances/00000000-0000-4000-8000-000000000000/approval-sheet.pdf');
    // Then each is refused with its code, as JSON, and nothing was recorded about the case
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('INSTANCE_FORBIDDEN');
    expect(anonymous.status).to.equal(401);
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('INSTANCE_NOT_FOUND');
    expect(await caseAudit()).to.equal(before);
  });
});
