import { expect } from 'chai';
import { zipOf } from '../../test/helpers/zip.ts';
import { sniffFileType, zipEntryNames } from './file-type.ts';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('lib: file types from the bytes', () => {
  it('recognises PDF, JPEG and PNG by their signatures', () => {
    expect(sniffFileType(text('%PDF-1.7\n%âãÏÓ\n'))?.kind).to.equal('pdf');
    expect(sniffFileType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))?.mime).to.equal('image/jpeg');
    expect(sniffFileType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))?.kind).to.equal('png');
  });

  it('tells OFD, DOCX and XLSX apart by the names inside the ZIP', () => {
    expect(sniffFileType(zipOf({ 'OFD.xml': '<ofd:OFD/>', 'Doc_0/Document.xml': '<x/>' }))?.kind).to.equal('ofd');
    expect(sniffFileType(zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w/>' }))?.kind).to.equal('docx');
    expect(sniffFileType(zipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<x/>' }))?.kind).to.equal('xlsx');
    expect(zipEntryNames(zipOf({ a: '1', 'b/c': '2' }))).to.deep.equal(['a', 'b/c']);
  });

  it('refuses everything else, whatever its name would claim', () => {
    // Given a plain ZIP, a PowerPoint-like package, an executable, HTML, a truncated ZIP and nothing
    for (const b of [
      zipOf({ 'readme.txt': 'hi' }),
      zipOf({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' }),
      bytes(0x4d, 0x5a, 0x90, 0),
      text('<html><script>alert(1)</script></html>'),
      zipOf({ 'OFD.xml': '<ofd/>' }).subarray(0, 40),
      new Uint8Array(0),
    ]) {
      // Then no type is recognised
      expect(sniffFileType(b)).to.equal(null);
    }
  });
});
