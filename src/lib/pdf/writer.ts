import PDFDocument from 'pdfkit';
import { pdfFonts } from './font.ts';

/**
 * A small A4 document writer over pdfkit for the platform's printable documents: title, labelled
 * fields, headings, paragraphs and ruled tables that break across pages (the header row repeated),
 * and a footer "第 n 页 共 m 页" plus a line of the caller's (e.g. the verification code). Every
 * text is set in the embedded CJK font (font.ts). Pure: no imports from src.
 * Usage:
 *   const pdf = new PdfWriter({ title: '审批单' });
 *   pdf.title('审批单'); pdf.fields([['流水号', no]]); pdf.table(cols, rows);
 *   const bytes = await pdf.finish('核验码：…');
 */

export interface PdfColumn {
  title: string;
  /** Share of the table's width (the shares are scaled to add up to the full width). */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface PdfInfo {
  title: string;
  subject?: string;
  author?: string;
  landscape?: boolean;
}

const MARGIN = { top: 51, bottom: 51, left: 45, right: 45 }; // ≈ 18 mm / 16 mm
const INK = '#1f2328';
const MUTED = '#57606a';
const RULE = '#8c959f';

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(info: PdfInfo) {
    const fonts = pdfFonts();
    this.doc = new PDFDocument({
      size: 'A4',
      layout: info.landscape ? 'landscape' : 'portrait',
      margins: MARGIN,
      bufferPages: true,
      info: { Title: info.title, Subject: info.subject ?? info.title, Author: info.author ?? '权力内控机制网上运行平台', Creator: '权力内控机制网上运行平台' },
      lang: 'zh-CN',
    } as PDFKit.PDFDocumentOptions);
    this.doc.registerFont('cjk', fonts.regular);
    this.doc.registerFont('cjk-bold', fonts.bold);
    this.doc.font('cjk').fillColor(INK);
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  /** Width between the margins. */
  get width(): number {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  /** Starts a new page when fewer than `h` points are left on this one. */
  ensure(h: number): void {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }

  /** The document's title, centred and large. */
  title(text: string): this {
    this.doc.font('cjk-bold').fontSize(18).fillColor(INK).text(text, MARGIN.left, this.doc.y, { width: this.width, align: 'center' });
    this.doc.moveDown(0.6);
    return this;
  }

  /** A section heading. */
  heading(text: string): this {
    this.ensure(40);
    this.doc.moveDown(0.4);
    this.doc.font('cjk-bold').fontSize(12.5).fillColor(INK).text(text, MARGIN.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    return this;
  }

  /** A paragraph of body text (or a muted note). */
  paragraph(text: string, opts: { muted?: boolean; size?: number } = {}): this {
    this.doc.font('cjk').fontSize(opts.size ?? 10.5).fillColor(opts.muted ? MUTED : INK).text(text, MARGIN.left, this.doc.y, { width: this.width });
    this.doc.fillColor(INK);
    this.doc.moveDown(0.3);
    return this;
  }

  /** Labelled values as a two-column ruled table (label | value). */
  fields(pairs: Array<[string, string]>): this {
    return this.table(
      [
        { title: '', width: 1 },
        { title: '', width: 4 },
      ],
      pairs.map(([k, v]) => [k, v]),
      { header: false, boldFirst: true },
    );
  }

  /** A ruled table; rows break across pages and the header row is repeated on each. */
  table(columns: PdfColumn[], rows: string[][], opts: { header?: boolean; boldFirst?: boolean; size?: number } = {}): this {
    const size = opts.size ?? 9.5;
    const pad = 4;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const doc = this.doc;
    const rowHeight = (cells: string[], bold: (i: number) => boolean) =>
      Math.max(...cells.map((c, i) => doc.font(bold(i) ? 'cjk-bold' : 'cjk').fontSize(size).heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    const drawRow = (cells: string[], bold: (i: number) => boolean, fill?: string) => {
      const h = rowHeight(cells, bold);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        if (opts.header !== false) drawHeader();
      }
      const y = doc.y;
      let x = MARGIN.left;
      cells.forEach((c, i) => {
        if (fill) doc.rect(x, y, widths[i], h).fill(fill);
        doc.lineWidth(0.5).strokeColor(RULE).rect(x, y, widths[i], h).stroke();
        doc.fillColor(INK).font(bold(i) ? 'cjk-bold' : 'cjk').fontSize(size).text(c || '', x + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
        x += widths[i];
      });
      doc.x = MARGIN.left;
      doc.y = y + h;
    };
    const drawHeader = () => drawRow(columns.map((c) => c.title), () => true, '#eef1f4');
    if (opts.header !== false) {
      this.ensure(60);
      drawHeader();
    }
    for (const r of rows) drawRow(columns.map((_, i) => r[i] ?? ''), (i) => Boolean(opts.boldFirst) && i === 0);
    doc.moveDown(0.5);
    return this;
  }

  /**
   * Writes the footer on every page (page n of m, and `footer` when given) and returns the bytes.
   */
  async finish(footer?: string): Promise<Buffer> {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - MARGIN.bottom + 14;
      const width = doc.page.width - MARGIN.left - MARGIN.right;
      doc.font('cjk').fontSize(8).fillColor(MUTED);
      if (footer) doc.text(footer, MARGIN.left, y, { width, align: 'left', lineBreak: false });
      doc.text(`第 ${i + 1} 页 共 ${range.count} 页`, MARGIN.left, y + (footer ? 11 : 0), { width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
    doc.end();
    return this.done;
  }
}
