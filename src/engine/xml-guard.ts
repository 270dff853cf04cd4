/**
 * A pre-parse check of every uploaded BPMN file, before bpmn-moddle sees it (issue 10, finding 7).
 *
 * Definition XML is later served to supervisors' browsers; an element in a foreign namespace (an
 * XHTML `<script>`, SVG, XSLT …) would run there if the file were ever rendered. Nothing outside
 * the BPMN/DI and the modelling tools' extension namespaces has a meaning for the engine, so such
 * files are refused rather than sanitised. A DOCTYPE is refused too (entity expansion, external
 * entities), and so is nesting deeper than MAX_XML_DEPTH (the parser and the model walk recurse).
 *
 * The scan is a single linear pass over the text; it does not need the file to be well formed —
 * bpmn-moddle reports that afterwards.
 */

/** The namespaces a deployed BPMN file may declare. */
export const ALLOWED_XML_NAMESPACES: ReadonlySet<string> = new Set([
  // BPMN 2.0 semantic model and diagram interchange
  'http://www.omg.org/spec/BPMN/20100524/MODEL',
  'http://www.omg.org/spec/BPMN/20100524/DI',
  'http://www.omg.org/spec/DD/20100524/DC',
  'http://www.omg.org/spec/DD/20100524/DI',
  'http://www.w3.org/2001/XMLSchema-instance',
  'http://www.w3.org/2001/XMLSchema',
  // the XML namespace itself (xml:lang …) may be declared, though it never needs to be
  'http://www.w3.org/XML/1998/namespace',
  // modelling tools' extension namespaces
  'http://camunda.org/schema/1.0/bpmn',
  'http://camunda.org/schema/modeler/1.0',
  'http://camunda.org/schema/zeebe/1.0',
  'http://flowable.org/bpmn',
  'http://activiti.org/bpmn',
  // modelling tools' own metadata (layout, simulation, labels); never rendered as markup, never run
  'http://flowable.org/modeler',
  'http://flowable.org/design',
  'http://activiti.com/modeler',
  'http://www.signavio.com',
  'http://www.bizagi.com/bpmn20',
  'http://www.bpsim.org/schemas/1.0',
  'http://www.trisotech.com/2014/triso/bpmn',
  'http://www.trisotech.com/2015/triso/modeling',
  'http://trisotech.com/feed',
  // RSS 2.0, declared by Trisotech's exports for its feed metadata (data only, no markup)
  'http://purl.org/rss/2.0/',
  'http://www.boc-group.com',
  'http://bpmn.sourceforge.net',
  'http://www.omg.org/spec/BPMN/non-normative/extensions/i18n/1.0',
  // other OMG specifications modelers cross-reference (XMI ids, DMN/SDMN item types): data only
  'http://www.omg.org/XMI',
  'https://www.omg.org/spec/DMN/20240513/MODEL/',
  'https://www.omg.org/spec/DMN/20240513/FEEL/',
  'https://www.omg.org/spec/SDMN/',
  // colours set in bpmn-js (bioc and the OMG non-normative colour extension)
  'http://bpmn.io/schema/bpmn/biocolor/1.0',
  'http://www.omg.org/spec/BPMN/non-normative/color/1.0',
]);

/** The namespaces a DMN 1.3 file (Camunda Modeler, dmn-js) may declare besides the common ones. */
const DMN_NAMESPACES: ReadonlySet<string> = new Set([
  'https://www.omg.org/spec/DMN/20191111/MODEL/',
  'https://www.omg.org/spec/DMN/20191111/DMNDI/',
  'http://www.omg.org/spec/DMN/20180521/DC/',
  'http://www.omg.org/spec/DMN/20180521/DI/',
  'https://www.omg.org/spec/DMN/20191111/DI/',
  'http://camunda.org/schema/1.0/dmn',
  'http://bpmn.io/schema/dmn/biodi/2.0',
  'http://camunda.org/schema/modeler/1.0',
]);

/**
 * Vocabularies a browser renders or executes: refused wherever they are declared, even unused.
 * Any other foreign namespace is refused only when an element or attribute of the file uses it; a
 * declaration nothing uses (jBPM/Drools, Bonita, made-up ones left by other modelers) carries
 * nothing and only becomes a note (issue 12: lenient where the file is harmless).
 */
const MARKUP_NAMESPACES = [
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1999/XSL/Transform',
  'http://www.w3.org/1998/Math/MathML',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/2001/XInclude',
  'http://www.w3.org/2001/xml-events',
  'http://www.mozilla.org/keymaster/gatekeeper/there.is.only.xul',
];

function isMarkup(ns: string): boolean {
  const n = ns.toLowerCase().replace(/^https:/, 'http:').replace(/\/+$/, '');
  return MARKUP_NAMESPACES.some((m) => n === m.toLowerCase() || n.startsWith(`${m.toLowerCase()}/`));
}

/** Deepest element nesting accepted; the shipped procedures need fewer than 10 levels. */
export const MAX_XML_DEPTH = 200;

/** At most this many problems are listed per file (one per foreign namespace is enough). */
const MAX_PROBLEMS = 20;

export interface XmlProblem {
  message: string;
  line?: number;
}

/**
 * Every problem of `xml` as a Chinese message with its line; empty when the file may be parsed.
 * Usage: `for (const p of checkXml(content)) problems.push({ file, ...p })`.
 */
export function checkXml(xml: string, kind: 'bpmn' | 'dmn' = 'bpmn', notes?: string[]): XmlProblem[] {
  const problems: XmlProblem[] = [];
  /** Foreign, non-markup declarations: refused at the end only if their prefix is used. */
  const foreign: Array<{ ns: string; prefix: string; line: number }> = [];
  const usedPrefixes = new Set<string>();
  const seen = new Set<string>();
  const add = (key: string, p: XmlProblem) => {
    if (seen.has(key) || problems.length >= MAX_PROBLEMS) return;
    seen.add(key);
    problems.push(p);
  };
  const lineAt = lineCounter(xml);
  let depth = 0;
  let i = 0;
  while ((i = xml.indexOf('<', i)) !== -1) {
    if (xml.startsWith('<!--', i)) {
      i = skipPast(xml, i + 4, '-->');
    } else if (xml.startsWith('<![CDATA[', i)) {
      i = skipPast(xml, i + 9, ']]>');
    } else if (xml.startsWith('<?', i)) {
      i = skipPast(xml, i + 2, '?>');
    } else if (xml.startsWith('<!', i)) {
      add('doctype', { line: lineAt(i), message: '文件含有 DOCTYPE 或实体声明：出于安全原因不接受（BPMN 文件不需要它们）' });
      i = skipPast(xml, i + 2, '>');
    } else if (xml.startsWith('</', i)) {
      depth--;
      i = skipPast(xml, i + 2, '>');
    } else {
      const end = tagEnd(xml, i + 1);
      const tag = xml.slice(i + 1, end);
      const selfClosing = tag.endsWith('/');
      if (!selfClosing) depth++;
      if (depth > MAX_XML_DEPTH) {
        add('depth', { line: lineAt(i), message: `元素嵌套超过 ${MAX_XML_DEPTH} 层，不接受` });
        // Nothing useful follows from here: a file this deep is refused anyway.
        break;
      }
      // A prefix for the document's own targetNamespace (Yaoqiang's xmlns:tns) names nothing foreign.
      const target = /(?:^|\s)targetNamespace\s*=\s*("([^"]*)"|'([^']*)')/.exec(tag);
      const own = target ? decodeReferences((target[2] ?? target[3] ?? '').trim()) : undefined;
      for (const { ns, prefix } of declaredNamespaces(tag)) {
        if (ALLOWED_XML_NAMESPACES.has(ns) || ns === own || (kind === 'dmn' && DMN_NAMESPACES.has(ns))) continue;
        // A default namespace or a markup vocabulary is refused at once (conservatively: used).
        if (prefix === '' || isMarkup(ns)) add(`ns:${ns}`, { line: lineAt(i), message: foreignMessage(ns) });
        else foreign.push({ ns, prefix, line: lineAt(i) });
      }
      for (const p of usedPrefixesOf(tag)) usedPrefixes.add(p);
      i = end + 1;
    }
  }
  for (const f of foreign) {
    if (usedPrefixes.has(f.prefix)) add(`ns:${f.ns}`, { line: f.line, message: foreignMessage(f.ns) });
    else notes?.push(`已忽略声明但未使用的 XML 命名空间 "${f.ns.slice(0, 200)}"（xmlns:${f.prefix.slice(0, 50)}）`);
  }
  return problems;
}

function foreignMessage(ns: string): string {
  return `不允许的 XML 命名空间 "${ns.slice(0, 200)}"：只接受 BPMN、BPMNDI、DC/DI、XSI、Camunda/Zeebe/Flowable/Activiti 扩展、常见建模工具（Signavio、Bizagi、Trisotech、ADONIS、Yaoqiang、BPSim）的元数据与 bpmn.io 颜色扩展；其他命名空间只有在文件中没有元素或属性使用它时才被忽略`;
}

/** The prefixes an element name and its attribute names use (`xmlns:*` declarations excluded). */
function usedPrefixesOf(tag: string): string[] {
  const out: string[] = [];
  const name = /^\s*([^\s/>]+)/.exec(tag)?.[1] ?? '';
  if (name.includes(':')) out.push(name.slice(0, name.indexOf(':')));
  // Attribute names outside quoted values: strip the values first.
  const bare = tag.slice(name.length).replace(/"[^"]*"|'[^']*'/g, '""');
  for (const m of bare.matchAll(/(?:^|\s)([^\s=:/]+):[^\s=/]+\s*=/g)) if (m[1] !== 'xmlns') out.push(m[1]);
  return out;
}

/** The index just past `marker` (or the end of the text when it never comes). */
function skipPast(xml: string, from: number, marker: string): number {
  const at = xml.indexOf(marker, from);
  return at === -1 ? xml.length : at + marker.length;
}

/** The index of the `>` ending a start tag, skipping quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = '';
  for (let j = from; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return xml.length;
}

const XMLNS_ATTR = /(?:^|\s)xmlns(?::[^\s=]+)?\s*=\s*("([^"]*)"|'([^']*)')/g;

/** The namespace URIs declared in one start tag with their prefixes ('' = default; references resolved). */
function declaredNamespaces(tag: string): Array<{ ns: string; prefix: string }> {
  const out: Array<{ ns: string; prefix: string }> = [];
  for (const m of tag.matchAll(XMLNS_ATTR)) {
    const head = m[0].trim();
    const prefix = head.startsWith('xmlns:') ? head.slice(6, head.search(/\s*=/)) : '';
    out.push({ ns: decodeReferences((m[2] ?? m[3] ?? '').trim()), prefix });
  }
  return out;
}

/** `&#104;ttp` must not slip a namespace past the list: resolve the predefined and numeric references. */
function decodeReferences(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return named[ref] ?? whole;
  });
}

function safeCodePoint(n: number): string | null {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** Line numbers by offset, counted incrementally (offsets only grow during the scan). */
function lineCounter(xml: string): (offset: number) => number {
  let line = 1;
  let pos = 0;
  return (offset) => {
    for (; pos < offset; pos++) if (xml.charCodeAt(pos) === 10) line++;
    return line;
  };
}
