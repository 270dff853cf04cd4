import { expect } from 'chai';
import { signIn } from './helpers/browser.ts';
import { ARTIFACTS } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * Story (issue 14, item 1): a supervisor filters by date on the monitor and the report pages. The
 * date pickers speak Chinese whatever the browser's own language (flatpickr with its zh locale,
 * weeks from Monday), and the chosen date reaches the page as YYYY-MM-DD.
 */
describe('date pickers: Chinese on every page, whatever the browser', function () {
  const s = serverAndBrowser();

  it('Given the monitor, when the supervisor opens 发起日期, then the calendar is in Chinese and picking a day fills the field', async () => {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'supervisor');
    await page.goto(`${s.server.baseUrl}/monitor`);
    const from = page.locator('#started-from');
    await from.click();
    const calendar = page.locator('.flatpickr-calendar.open');
    await calendar.waitFor();
    const weekdays = (await calendar.locator('.flatpickr-weekday').allTextContents()).map((t) => t.trim());
    expect(weekdays[0]).to.equal('周一');
    expect(weekdays).to.have.length(7);
    const month = await calendar.locator('.flatpickr-monthDropdown-months option:checked, .cur-month').first().textContent();
    expect(month ?? '').to.match(/月/);
    expect(await calendar.innerText()).to.not.match(/[A-Za-z]{2,}/);
    await page.screenshot({ path: `${ARTIFACTS}/date-picker-monitor.png` });
    await calendar.locator('.flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)').filter({ hasText: /^15$/ }).click();
    const value = await from.inputValue();
    expect(value).to.match(/^\d{4}-\d{2}-15$/);
  });

  it('Given the monitor, when a full date is typed into 发起日期, then it applies at once (change fires, the picker selects it) as a native date input would', async () => {
    const { page } = s.b;
    await page.goto(`${s.server.baseUrl}/monitor`);
    const from = page.locator('#started-from');
    await from.waitFor();
    // In the page (the test's own TypeScript has no DOM types): count change events on the field.
    await page.evaluate("window.changes = 0; document.querySelector('#started-from').addEventListener('change', () => window.changes++)");
    await from.fill('2026-11-03');
    await page.waitForFunction('window.changes > 0');
    const selected = await page.evaluate("(() => { const d = document.querySelector('#started-from')._flatpickr?.selectedDates[0]; return d ? `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}` : null; })()");
    expect(selected).to.equal('2026-11-3');
    await page.keyboard.press('Escape');
  });

  it('Given the report page, when the supervisor presses 上月, then both fields show last month as dates the server accepts', async () => {
    const { page } = s.b;
    await page.goto(`${s.server.baseUrl}/monitor/report`);
    await page.getByRole('button', { name: '上月' }).click();
    const from = await page.locator('#period-from').inputValue();
    const to = await page.locator('#period-to').inputValue();
    expect(from).to.match(/^\d{4}-\d{2}-01$/);
    expect(to).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(from.slice(0, 7)).to.equal(to.slice(0, 7));
    // The picker follows the preset: opening it shows last month's first day selected.
    await page.locator('#period-from').click();
    const selected = page.locator('.flatpickr-calendar.open .flatpickr-day.selected');
    await selected.waitFor();
    expect((await selected.textContent())?.trim()).to.equal('1');
    await page.keyboard.press('Escape');
  });
});
