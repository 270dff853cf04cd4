import { PdfFontMissingError } from '../../lib/pdf/font.ts';
import { PdfWriter, type PdfInfo } from '../../lib/pdf/writer.ts';
import { ServiceUnavailableError } from '../../errors.ts';

/**
 * Opens a PDF writer for a platform document; a missing CJK font is a clear 503
 * `PDF_FONT_MISSING` (what to install), never a PDF with empty boxes.
 * Usage: `const pdf = openPdf({ title: '审批单' })`.
 */
export function openPdf(info: PdfInfo): PdfWriter {
  try {
    return new PdfWriter(info);
  } catch (err) {
    if (err instanceof PdfFontMissingError) throw new ServiceUnavailableError(err.message, err.code);
    throw err;
  }
}

/** Beijing wall time `2026-12-02 15:04` of an epoch-ms instant (documents are read in China). */
export function beijingTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A file name safe for Content-Disposition (ASCII fallback plus the UTF-8 name). */
export function attachmentDisposition(name: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
