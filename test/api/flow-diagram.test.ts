import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { download, embeddedFonts, pdfPages } from '../helpers/pdf.ts';

/**
 * The published 权力运行流程图 (issue 18, item 1): each catalog item's flow in force with its 廉政风险点
 * by level, as JSON for the page and as a PDF with the diagram and the risk table.
 */
describe('API: 权力运行流程图 of a catalog item', () => {
  let s: TestServer;
  let staff: Client;

  before(async () => {
    s = await startServer({ procedures: true });
    staff = await s.login('staff');
  });
  after(async () => {
    await s.close();
  });

  it('lists the penalty item’s risk points, high first, with the flow version in force', async () => {
    const res = await staff.get('/api/power-items/CF-0001/flow-diagram');
    expect(res.status).to.equal(200);
    expect(res.body.item).to.include({ code: 'CF-0001' });
    expect(res.body.process.key).to.equal('penalty-case');
    expect(res.body.riskPoints.length).to.be.greaterThan(0);
    expect(res.body.riskPoints[0].level).to.equal('high');
    const levels = res.body.riskPoints.map((p: any) => p.level);
    expect(levels).to.deep.equal([...levels].sort((a: string, b: string) => ['high', 'medium', 'low'].indexOf(a) - ['high', 'medium', 'low'].indexOf(b)));
    expect(res.body.counts.high).to.equal(levels.filter((l: string) => l === 'high').length);
    expect(res.body.xml).to.contain('bpmndi:BPMNDiagram');
  });

  it('prints the 流程图 with its risk badges and the risk table in an embedded CJK font', async () => {
    const json = (await staff.get('/api/power-items/CF-0001/flow-diagram')).body;
    const pdf = await download(staff, '/api/power-items/CF-0001/flow-diagram.pdf');
    expect(pdf.status).to.equal(200);
    expect(pdf.contentType).to.equal('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(embeddedFonts(pdf.bytes).some((f) => /NotoSansSC/.test(f))).to.equal(true);
    const pages = await pdfPages(pdf.bytes);
    expect(pages.length).to.be.greaterThanOrEqual(2);
    const text = pages.join('\n').replace(/\s+/g, '');
    for (const t of [`${json.item.name}权力运行流程图`, '事项编码', 'CF-0001', '法定依据', '廉政风险点及防控措施', '廉·高1', '风险描述', '防控措施'])
      expect(text, t).to.include(t.replace(/\s+/g, ''));
    const high = json.riskPoints[0];
    expect(text).to.include(high.description.replace(/\s+/g, '').slice(0, 12));
    expect(text).to.include(high.measures.replace(/\s+/g, '').slice(0, 12));
  });

  it('answers 404 for an item that does not exist', async () => {
    const res = await staff.get('/api/power-items/XX-9999/flow-diagram.pdf');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('POWER_ITEM_NOT_FOUND');
  });
});
