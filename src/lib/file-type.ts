/**
 * The type of an uploaded file from its bytes, never from its name or the browser's claim: PDF,
 * JPEG, PNG, and the ZIP containers OFD (GB/T 33190, `OFD.xml` at the root), DOCX (`word/`) and
 * XLSX (`xl/`), told apart by the names in the ZIP's central directory. Pure: no I/O.
 * Usage: `sniffFileType(bytes)` → `{ kind: 'pdf', mime: 'application/pdf', ext: 'pdf' }` or null.
 */

export type FileKind = 'pdf' | 'jpeg' | 'png' | 'ofd' | 'docx' | 'xlsx';

export interface FileType {
  kind: FileKind;
  mime: string;
  ext: string;
}

const TYPES: Record<FileKind, FileType> = {
  pdf: { kind: 'pdf', mime: 'application/pdf', ext: 'pdf' },
  jpeg: { kind: 'jpeg', mime: 'image/jpeg', ext: 'jpg' },
  png: { kind: 'png', mime: 'image/png', ext: 'png' },
  ofd: { kind: 'ofd', mime: 'application/ofd', ext: 'ofd' },
  docx: { kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  xlsx: { kind: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
};

const startsWith = (b: Uint8Array, sig: number[]) => b.length >= sig.length && sig.every((v, i) => b[i] === v);

export function sniffFileType(bytes: Uint8Array): FileType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return TYPES.pdf; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return TYPES.jpeg;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(bytes);
    if (!names) return null;
    if (names.some((n) => n === 'OFD.xml')) return TYPES.ofd;
    if (names.includes('[Content_Types].xml')) {
      if (names.some((n) => n.startsWith('word/'))) return TYPES.docx;
      if (names.some((n) => n.startsWith('xl/'))) return TYPES.xlsx;
    }
  }
  return null;
}

/** The entry names of a ZIP from its central directory, or null when it is not a well-formed ZIP. */
export function zipEntryNames(b: Uint8Array): string[] | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // End of central directory: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < count && i < 10_000; i++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) return null;
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    if (at + 46 + nameLen > b.length) return null;
    names.push(decoder.decode(b.subarray(at + 46, at + 46 + nameLen)));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** What the refusal names: the accepted types, in Chinese. */
export const ACCEPTED_TYPES_TEXT = 'PDF、OFD、Word（.docx）、Excel（.xlsx）、JPEG、PNG';
