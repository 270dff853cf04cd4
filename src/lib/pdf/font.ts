import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';

/**
 * The CJK font embedded in every PDF the platform writes (审批单, 考核表, 权力运行流程图): Noto
 * Sans SC (SIL Open Font License) from the npm package @fontsource/noto-sans-sc, so a fresh
 * `npm install` is enough — no system fonts. The package ships web fonts (WOFF); the WOFF is
 * unpacked once per process into a plain TrueType buffer (≈2.5 MB, ≈0.2 s), which pdfkit then
 * subsets per document (only the glyphs used are embedded). PDF_FONT_PATH / PDF_BOLD_FONT_PATH
 * may point at another TTF/OTF/WOFF (e.g. a Source Han Sans the bureau prefers).
 */

export class PdfFontMissingError extends Error {
  readonly code = 'PDF_FONT_MISSING';
  constructor(path: string) {
    super(`PDF 中文字体缺失：找不到 ${path}。请运行 npm install（依赖 @fontsource/noto-sans-sc），或用环境变量 PDF_FONT_PATH 指向一个 TTF/OTF 中文字体文件`);
  }
}

export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
}

const require = createRequire(import.meta.url);
let cached: PdfFonts | null = null;

function packaged(weight: 400 | 700): string {
  const file = `@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-${weight}-normal.woff`;
  try {
    return require.resolve(file);
  } catch {
    return `node_modules/${file}`;
  }
}

function load(path: string): Buffer {
  if (!existsSync(path)) throw new PdfFontMissingError(path);
  const bytes = readFileSync(path);
  return bytes.readUInt32BE(0) === 0x774f4646 ? woffToSfnt(bytes) : bytes;
}

/**
 * The regular and bold CJK fonts as TrueType/OpenType buffers (loaded once, then cached).
 * Throws PdfFontMissingError (code PDF_FONT_MISSING) when a font file is not there.
 * Usage: `const { regular, bold } = pdfFonts()`.
 */
export function pdfFonts(env: NodeJS.ProcessEnv = process.env): PdfFonts {
  if (cached) return cached;
  const regular = load(env.PDF_FONT_PATH || packaged(400));
  const bold = env.PDF_FONT_PATH && !env.PDF_BOLD_FONT_PATH ? regular : load(env.PDF_BOLD_FONT_PATH || packaged(700));
  cached = { regular, bold };
  return cached;
}

/**
 * Unpacks a WOFF 1.0 font into the sfnt (TrueType/OpenType) it wraps: each table inflated and
 * laid out again with a fresh table directory. Pure.
 * Usage: `woffToSfnt(readFileSync('font.woff'))`.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('不是 WOFF 字体文件');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = [];
  for (let i = 0; i < numTables; i++) {
    const o = 44 + i * 20;
    const offset = woff.readUInt32BE(o + 4);
    const compLength = woff.readUInt32BE(o + 8);
    const origLength = woff.readUInt32BE(o + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({ tag: woff.readUInt32BE(o), checksum: woff.readUInt32BE(o + 16), data: compLength < origLength ? inflateSync(raw) : Buffer.from(raw) });
  }
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const head = Buffer.alloc(12 + numTables * 16);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(numTables, 4);
  head.writeUInt16BE(searchRange, 6);
  head.writeUInt16BE(entrySelector, 8);
  head.writeUInt16BE(numTables * 16 - searchRange, 10);
  const parts: Buffer[] = [head];
  let offset = head.length;
  tables.forEach((t, i) => {
    const o = 12 + i * 16;
    head.writeUInt32BE(t.tag, o);
    head.writeUInt32BE(t.checksum, o + 4);
    head.writeUInt32BE(offset, o + 8);
    head.writeUInt32BE(t.data.length, o + 12);
    const pad = (4 - (t.data.length % 4)) % 4;
    parts.push(t.data, Buffer.alloc(pad));
    offset += t.data.length + pad;
  });
  return Buffer.concat(parts);
}
