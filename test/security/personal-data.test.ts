import { expect } from 'chai';
import { auditHead } from '../../src/store/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

const ID = '32040219800101323X';

/**
 * Issue 10, finding 8: after filing a penalty case the whole staff group read the party's ID number.
 * Now an instance is read only by who acted on it, its current candidates while a task is open
 * and unclaimed, the starter and supervision; ID numbers, phones and addresses are masked except for
 * those who must act, and supervision's `?reveal=personal` and every unmasked read are audited.
 */
describe('security: who reads a case, and citizens’ personal data in it', () => {
  let s: TestServer;
  let staff: Client;
  let staff2: Client;
  let staff3: Client;
  let head: Client;
  let sup: Client;
  let id: string;

  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  const openTask = async (elementId: string) => (await s.engine.tasksOfInstance(id)).find((t) => t.elementId === elementId && t.status === 'open')!;
  const personalReads = async () => s.db('audit_log').where({ action: 'personal-data.read', instance_id: id }).orderBy('seq').select('actor', 'after');

  before(async () => {
    s = await startServer({ procedures: true });
    [staff, staff2, staff3, head, sup] = await Promise.all(['staff', 'staff2', 'staff3', 'head', 'supervisor'].map((u) => s.login(u)));
    // Given 张明 registered a penalty case against a citizen, with her ID number and address
    const res = await staff.post('/api/power-items/CF-0001/start', {
      variables: {
        caseSource: 'complaint',
        foundOn: '2026-11-25',
        partyType: 'person',
        partyName: '王某',
        partyIdCard: ID,
        partyAddress: '常州市天宁区和平北路12号3幢201室',
        facts: '王某擅自拆除其租用的人防工程内的防护设备设施',
      },
    });
    expect(res.status, res.text).to.equal(201);
    id = res.body.id;
    await settle();
  });
  after(async () => {
    await s.close();
  });

  it('refuses someone with no part in the case, changing nothing', async () => {
    const before = await auditHead(s.db);
    const filing = await openTask('Task_Filing');
    const inst = await staff3.get(`/api/process-instances/${id}`);
    expect(inst.status).to.equal(403);
    expect(inst.body.error.code).to.equal('INSTANCE_FORBIDDEN');
    const task = await staff3.get(`/api/tasks/${filing.id}`);
    expect(task.status).to.equal(403);
    expect(task.body.error.code).to.equal('NOT_CANDIDATE');
    expect((await staff3.get('/api/process-instances')).body.items.map((i: any) => i.id)).to.not.include(id);
    expect(await auditHead(s.db)).to.deep.equal(before);
  });

  it('shows the brigade\'s certified officers, candidates of the investigation, the case masked — and nothing once one of them took it', async () => {
    // When 王建国 files the case, the investigation waits for any member of staff
    const filing = await openTask('Task_Filing');
    await head.post(`/api/tasks/${filing.id}/claim`);
    expect((await head.post(`/api/tasks/${filing.id}/complete`, { variables: { decision: 'file', filingNo: '常民防立〔2026〕15号', comment: '符合立案条件，同意立案' } })).status).to.equal(200);
    await settle();
    const readsBefore = (await personalReads()).length;
    // Then 黄磊, a candidate, reads the case with the ID number and address masked
    const masked = await staff3.get(`/api/process-instances/${id}`);
    expect(masked.status).to.equal(200);
    expect(masked.body.variables.partyIdCard).to.equal('3204**********323X');
    expect(masked.body.variables.partyAddress).to.equal('常州市天宁区****');
    expect(masked.body.personalData).to.deep.equal({ masked: true, fields: ['partyAddress', 'partyIdCard'], canReveal: false });
    expect(masked.text).to.not.include(ID); // nor in the history
    // And asking to reveal is for supervision only
    const reveal = await staff3.get(`/api/process-instances/${id}?reveal=personal`);
    expect(reveal.status).to.equal(403);
    expect(reveal.body.error.code).to.equal('PERSONAL_DATA_FORBIDDEN');
    expect((await personalReads()).length).to.equal(readsBefore);
    // When 李娜 claims the investigation, she must act on it: she reads it in full, audited
    const investigate = await openTask('Task_Investigate');
    expect((await staff2.post(`/api/tasks/${investigate.id}/claim`)).status).to.equal(200);
    const full = await staff2.get(`/api/process-instances/${id}`);
    expect(full.body.variables.partyIdCard).to.equal(ID);
    expect(full.body.personalData.masked).to.equal(false);
    expect((await personalReads()).at(-1)).to.deep.include({ actor: 'staff2' });
    // And 黄磊, no longer a candidate of an open unclaimed task, reads nothing
    const gone = await staff3.get(`/api/process-instances/${id}`);
    expect(gone.status).to.equal(403);
    expect(gone.body.error.code).to.equal('INSTANCE_FORBIDDEN');
    expect((await staff3.get(`/api/tasks/${investigate.id}`)).status).to.equal(403);
  });

  it('keeps the starter and the filer reading the case masked', async () => {
    for (const c of [staff, head]) {
      const res = await c.get(`/api/process-instances/${id}`);
      expect(res.status).to.equal(200);
      expect(res.body.variables.partyIdCard).to.equal('3204**********323X');
      expect(res.text).to.not.include(ID);
    }
  });

  it('lets supervision reveal personal data on request, each time audited', async () => {
    const plain = await sup.get(`/api/process-instances/${id}`);
    expect(plain.body.personalData).to.deep.include({ masked: true, canReveal: true });
    const before = (await personalReads()).length;
    const revealed = await sup.get(`/api/process-instances/${id}?reveal=personal`);
    expect(revealed.status).to.equal(200);
    expect(revealed.body.variables.partyIdCard).to.equal(ID);
    expect(revealed.body.personalData).to.deep.include({ masked: false, canReveal: false });
    const reads = await personalReads();
    expect(reads).to.have.length(before + 1);
    const last = reads.at(-1)!;
    expect(last.actor).to.equal('supervisor');
    expect(JSON.parse(last.after)).to.deep.equal({ fields: ['partyAddress', 'partyIdCard'], via: 'instance', why: 'reveal' });
  });

  it('masks personal data in the audit trail too; supervision reveals it on request, audited; others are refused', async () => {
    // Given the case's start was audited with the party's ID number in its variables
    // When supervision reads the case's audit rows
    const masked = await sup.get(`/api/audit?instance=${id}`);
    // Then the rows are there, with the ID number and address masked
    expect(masked.status).to.equal(200);
    expect(masked.body.items.some((r: any) => r.action === 'power-item.start' || r.action === 'process.start')).to.equal(true);
    expect(masked.text).to.not.include(ID);
    expect(masked.text).to.include('3204**********323X');
    expect(masked.body.personalData).to.deep.equal({ masked: true, fields: ['partyAddress', 'partyIdCard'] });
    // When staff (no audit reader) asks for them in full, it is refused and no read is recorded
    const reads = (await personalReads()).length;
    const refused = await staff.get(`/api/audit?instance=${id}&reveal=personal`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('FORBIDDEN');
    expect(await personalReads()).to.have.length(reads);
    // When supervision asks for them in full, it gets them and the read is audited
    const revealed = await sup.get(`/api/audit?instance=${id}&reveal=personal`);
    expect(revealed.status).to.equal(200);
    expect(revealed.text).to.include(ID);
    const after = await personalReads();
    expect(after).to.have.length(reads + 1);
    expect(JSON.parse(after.at(-1)!.after)).to.deep.equal({ fields: ['partyAddress', 'partyIdCard'], via: 'audit', why: 'reveal' });
  });
});
