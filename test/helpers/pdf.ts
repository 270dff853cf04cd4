import { inflateSync } from 'node:zlib';
import type { Client } from './api.ts';

/**
 * Reading the PDFs the platform writes, for story tests: the bytes of a download, the text of each
 * page (pdf.js, the reader browsers use) and the fonts embedded in the file.
 */

export interface PdfDownload {
  status: number;
  contentType: string;
  disposition: string;
  bytes: Buffer;
}

/** GETs `path` with the client's session and keeps the body as bytes. */
export async function download(c: Client, path: string): Promise<PdfDownload> {
  const res = await fetch(c.base + path, { headers: c.token ? { authorization: `Bearer ${c.token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The text of every page, in reading order (items joined without spaces, lines by newline). */
export async function pdfPages(bytes: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it: any) => ('str' in it ? it.str + (it.hasEOL ? '\n' : '') : '')).join(''));
  }
  await doc.destroy();
  return pages;
}

/**
 * The base names of the fonts embedded in the file (FontFile2/FontFile3 present), e.g.
 * `ABCDEF+NotoSansSC-Regular`: what prints the same everywhere.
 */
export function embeddedFonts(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const names = new Set<string>();
  for (const m of text.matchAll(/\/Type\s*\/FontDescriptor([\s\S]*?)>>/g)) {
    const body = m[1];
    const name = /\/FontName\s*\/([^\s/>]+)/.exec(body)?.[1];
    if (name && /\/FontFile[23]?\s+\d+\s+0\s+R/.test(body)) names.add(name);
  }
  // Descriptors may sit in compressed object streams: look inside the deflated streams too.
  if (!names.size) for (const s of text.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    try {
      const inner = inflateSync(Buffer.from(s[1], 'latin1')).toString('latin1');
      for (const m of inner.matchAll(/\/FontName\s*\/([^\s/>]+)[\s\S]*?\/FontFile[23]?\s+\d+/g)) names.add(m[1]);
    } catch {
      /* not a deflated stream */
    }
  }
  return [...names];
}
