import { beijingTime, openPdf } from '../documents/pdf.ts';
import { DEDUCTION_KEYS, DEDUCTIONS, INDICATOR_KEYS, INDICATORS } from './scheme.ts';
import type { ScoreSheet, ScoreSheets } from './score-sheets.ts';
import { csvCell } from './stats.ts';

/**
 * The score sheets as files: CSV (UTF-8 with BOM; the sheets, then every fact behind a lost point)
 * and an A4 landscape PDF (the scheme, the unit and person sheets, the evidence per subject).
 */

const KIND = { person: '个人', unit: '单位' } as const;

/** Usage: `ctx.body = scoreSheetsCsv(sheets)`. */
export function scoreSheetsCsv(s: ScoreSheets): string {
  const line = (cells: Array<string | number | null>) => cells.map((c) => csvCell(c)).join(',');
  const all = [...s.units, ...s.people];
  const rows = [
    line([`${s.period.label}绩效考核评分表`, `评分方案第 ${s.scheme.version} 版`]),
    line(['类型', '编号', '名称', '所属单位', '总分', ...INDICATOR_KEYS.map((k) => `${INDICATORS[k].label}（权重 ${s.scheme.weights[k]}）`), '追责扣分']),
    ...all.map((x) => line([KIND[x.subjectKind], x.id, x.name, x.unitName, x.total, ...x.indicators.map((i) => i.score), x.accountability.deduction])),
    '',
    line(['扣分依据']),
    line(['类型', '编号', '名称', '指标', '时间', '流水号', '事实', '扣分']),
    ...all.flatMap((x) => evidenceRows(x).map((e) => line([KIND[x.subjectKind], x.id, x.name, e.indicator, beijingTime(e.at), e.caseNumber ?? '', e.text, e.deduction]))),
  ];
  return '\ufeff' + rows.join('\r\n') + '\r\n';
}

function evidenceRows(x: ScoreSheet) {
  return [
    ...x.indicators.flatMap((i) => i.evidence.filter((e) => e.deduction > 0).map((e) => ({ ...e, indicator: i.label }))),
    ...x.accountability.evidence.map((e) => ({ ...e, indicator: '责任追究' })),
  ];
}

/** Usage: `const bytes = await scoreSheetsPdf(sheets)`. */
export async function scoreSheetsPdf(s: ScoreSheets): Promise<Buffer> {
  const pdf = openPdf({ title: `${s.period.label}绩效考核评分表`, landscape: true });
  pdf.title(`${s.period.label}绩效考核评分表`);
  pdf.paragraph(`依据《管理办法》第四条，网上运行情况纳入绩效考核和作风建设考评。评分方案第 ${s.scheme.version} 版：各项满分 100，按权重折算后合计，再减责任追究扣分。权力事项与内部事务分开计算。`, { muted: true, size: 9 });
  pdf.heading('评分方案');
  pdf.table(
    [
      { title: '指标', width: 2 },
      { title: '权重', width: 0.6, align: 'right' },
      { title: '计分方法', width: 6 },
    ],
    INDICATOR_KEYS.map((k) => [INDICATORS[k].label, String(s.scheme.weights[k]), INDICATORS[k].how]),
  );
  pdf.paragraph(`扣分标准：${DEDUCTION_KEYS.map((k) => `${DEDUCTIONS[k]} ${s.scheme.deductions[k]}`).join('；')}。`, { size: 9 });
  const summary = (title: string, list: ScoreSheet[]) => {
    if (!list.length) return;
    pdf.heading(title);
    pdf.table(
      [
        { title: '名称', width: 1.6 },
        { title: '单位', width: 1.6 },
        ...INDICATOR_KEYS.map((k) => ({ title: `${INDICATORS[k].label}（${s.scheme.weights[k]}）`, width: 1, align: 'right' as const })),
        { title: '追责扣分', width: 0.8, align: 'right' },
        { title: '总分', width: 0.8, align: 'right' },
      ],
      list.map((x) => [x.name, x.unitName ?? '', ...x.indicators.map((i) => String(i.score)), String(x.accountability.deduction), String(x.total)]),
      { size: 8.5 },
    );
  };
  summary('单位评分', s.units);
  summary('个人评分', s.people);
  const withEvidence = [...s.units, ...s.people].filter((x) => evidenceRows(x).length);
  if (withEvidence.length) pdf.heading('扣分依据');
  for (const x of withEvidence) {
    pdf.paragraph(`${KIND[x.subjectKind]}：${x.name}${x.subjectKind === 'person' && x.unitName ? `（${x.unitName}）` : ''}　总分 ${x.total}`, { size: 10 });
    pdf.table(
      [
        { title: '指标', width: 1.6 },
        { title: '时间', width: 1.3 },
        { title: '流水号', width: 1.8 },
        { title: '事实', width: 5 },
        { title: '扣分', width: 0.6, align: 'right' },
      ],
      evidenceRows(x).map((e) => [e.indicator, beijingTime(e.at), e.caseNumber ?? '', e.text, String(e.deduction)]),
      { size: 8.5 },
    );
  }
  return pdf.finish(`${s.period.label}绩效考核评分表　评分方案第 ${s.scheme.version} 版`);
}
