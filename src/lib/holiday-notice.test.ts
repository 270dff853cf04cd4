import { createRequire } from 'node:module';
import { expect } from 'chai';
import { parseHolidayNotice } from './holiday-notice.ts';

const require = createRequire(import.meta.url);
const pkg = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };

/** The package's days of a year as `date kind` lines, to compare with what the notice says. */
function packageYear(year: number): string[] {
  const of = (m: Record<string, string>, kind: string) => Object.keys(m).filter((d) => d.startsWith(`${year}-`)).map((d) => `${d} ${kind}`);
  return [...of(pkg.holidays, 'holiday'), ...of(pkg.workdays, 'workday')].sort();
}

const NOTICE_2026 = `一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`;

const NOTICE_2025 = `一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。`;

describe('lib: parsing the State Council holiday notice', () => {
  it('reads the 2026 notice into exactly the days the chinese-days package holds for 2026', () => {
    // Given the notice as published, When it is parsed for 2026
    const r = parseHolidayNotice(NOTICE_2026, 2026);
    // Then every holiday and adjusted working day matches the package, with no problem reported
    expect(r.problems).to.deep.equal([]);
    expect(r.days.map((d) => `${d.date} ${d.kind}`).sort()).to.deep.equal(packageYear(2026));
    expect(r.days.find((d) => d.date === '2026-02-28')).to.deep.equal({ date: '2026-02-28', kind: 'workday', name: '春节' });
  });

  it('reads the 2025 notice: a single day, a range across a month, a festival of two names', () => {
    const r = parseHolidayNotice(NOTICE_2025, 2025);
    expect(r.problems).to.deep.equal([]);
    expect(r.days.map((d) => `${d.date} ${d.kind}`).sort()).to.deep.equal(packageYear(2025));
    expect(r.days.filter((d) => d.name === '国庆节、中秋节')).to.have.length(10);
    expect(r.days.filter((d) => d.name === '端午节').map((d) => d.date)).to.deep.equal(['2025-05-31', '2025-06-01', '2025-06-02']);
  });

  it('reads the example of the issue for 2027, pasted as one line', () => {
    const r = parseHolidayNotice('元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班', 2027);
    expect(r.problems).to.deep.equal([]);
    expect(r.days).to.deep.equal([
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-01-02', kind: 'holiday', name: '元旦' },
      { date: '2027-01-03', kind: 'holiday', name: '元旦' },
      { date: '2027-01-04', kind: 'workday', name: '元旦' },
    ]);
  });

  it('splits items numbered 一、二、 on one line and accepts full-width digits and 星期', () => {
    const r = parseHolidayNotice('一、元旦：１月１日（星期五）放假。二、清明节：4月3日（星期六）至5日（星期一）放假，共3天。', 2027);
    expect(r.problems).to.deep.equal([]);
    expect(r.days.map((d) => `${d.date} ${d.name}`)).to.deep.equal(['2027-01-01 元旦', '2027-04-03 清明节', '2027-04-04 清明节', '2027-04-05 清明节']);
  });

  it('runs a range written across the new year into the next year, and keeps explicit years', () => {
    const implicit = parseHolidayNotice('元旦：12月31日至1月2日放假调休', 2026);
    expect(implicit.days.map((d) => d.date)).to.deep.equal(['2026-12-31', '2027-01-01', '2027-01-02']);
    const explicit = parseHolidayNotice('元旦：2023年12月30日至2024年1月1日放假调休，共3天。', 2024);
    expect(explicit.problems).to.deep.equal([]);
    expect(explicit.days.map((d) => d.date)).to.deep.equal(['2023-12-30', '2023-12-31', '2024-01-01']);
  });

  it('reports a weekday that does not match the date (a notice pasted for the wrong year)', () => {
    // Given the 2026 New Year line, When it is parsed as 2027's
    const r = parseHolidayNotice('元旦：1月1日（周四）至3日（周六）放假调休，共3天。', 2027);
    // Then the days are still proposed but each mismatch is named
    expect(r.days).to.have.length(3);
    expect(r.problems).to.deep.equal(['“1月1日（周四）”标注为周四，但 2027-01-01 是周五', '“3日（周六）”标注为周六，但 2027-01-03 是周日']);
  });

  it('reports impossible dates, missing months, and sentences that are neither off nor work', () => {
    const r = parseHolidayNotice('春节：2月30日放假。清明节：5日放假。劳动节：5月1日至5日另行通知。', 2027);
    expect(r.days).to.deep.equal([]);
    expect(r.problems).to.deep.equal(['“2月30日”不是有效日期', '“5日”缺少月份', '无法判断“5月1日至5日另行通知”是放假还是上班']);
  });

  it('reports a day listed both as holiday and as working day, and ignores lines without dates', () => {
    const r = parseHolidayNotice('国务院办公厅关于2027年部分节假日安排的通知\n元旦：1月1日放假。\n调整：1月1日上班。', 2027);
    expect(r.problems).to.deep.equal(['2027-01-01 同时被列为放假日和上班日']);
    expect(r.days).to.deep.equal([{ date: '2027-01-01', kind: 'workday', name: '调整' }]);
  });
});
