/**
 * 交换文件导出 (Art. 6), for a district bureau's reporter: the bureau's power operations of a
 * period as one exchange file, signed with the bureau's private key (pasted or read from its .pem
 * file; sent with this request only, for signing, and not kept), downloaded to hand to the city.
 */
import { api, ApiError } from '../api.ts';
import { dateInput } from '../date-input.ts';
import { field, filePicker, h, mount } from '../dom.ts';
import { unitLabel } from '../names.ts';
import { beijingToday, isDate, monthRange } from '../period.ts';
import type { PageContext } from '../router.ts';
import { user } from '../session.ts';
import { pageHead, saveBlob } from './supervision-shared.ts';

export const title = '交换文件导出';

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const unitId = me.unit?.id ?? me.user.unitId ?? '';
  const last = monthRange(beijingToday(), -1);
  const from = dateInput({ value: last.from, required: true });
  const to = dateInput({ value: last.to, required: true });
  const keyId = h('input', { type: 'text', required: true, autocomplete: 'off', maxlength: 100, placeholder: '如市局监察室所给的编号' });
  const pem = h('textarea', { rows: 6, required: true, spellcheck: false, autocomplete: 'off', placeholder: '粘贴私钥文件的全部内容，或用下方按钮读取' });
  const pemFile = h('input', { type: 'file', accept: '.pem,.key,.txt' });
  const result = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '导出并下载');
  pemFile.addEventListener('change', async () => {
    const f = pemFile.files?.[0];
    if (f) pem.value = (await f.text()).trim();
  });

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page exchange-export-page' },
      pageHead('交换文件导出', '《办法》第六条：将本单位一段时间的权力运行情况导出为交换文件，报送市局监察室。文件以本单位私钥签名，市局验证签名后导入。'),
      h(
        'form',
        { class: 'card form-card export-form', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
        h('dl', { class: 'meta' }, h('div', h('dt', '报送单位'), h('dd', unitLabel(unitId)))),
        h('div', { class: 'grid-2 tight' }, field('开始日期', from), field('结束日期', to)),
        field('密钥编号', keyId, '市局监察室生成密钥时提供的编号'),
        field('私钥（PEM）', pem, '私钥只随本次导出请求发送用于签名，平台不保存，也不会留在本浏览器中。'),
        filePicker('或从文件读取私钥', pemFile),
        h('div', { class: 'actions' }, submit),
        result,
      ),
    ),
  );

  async function run(): Promise<void> {
    const body = { from: from.value, to: to.value, districtId: unitId, keyId: keyId.value.trim(), privateKeyPem: pem.value.trim() };
    const problem = !isDate(body.from) || !isDate(body.to) ? '请填写起止日期' : body.from > body.to ? '结束日期不能早于开始日期' : !body.keyId ? '请填写密钥编号' : !body.privateKeyPem ? '请填写或读取私钥' : null;
    if (problem) {
      mount(result, h('p', { class: 'form-error', role: 'alert' }, problem));
      return;
    }
    submit.disabled = true;
    mount(result);
    try {
      const file = await api.postFile('/api/district-exchange/exports', body, `${unitId}-${body.from}-${body.to}.json`);
      saveBlob(new Blob([file.text], { type: 'application/json' }), file.filename);
      let count = '';
      try {
        count = `，含办件 ${JSON.parse(file.text).package.operations.length} 件`;
      } catch {
        /* the count is only informative */
      }
      mount(result, h('p', { class: 'notice notice-ok' }, h('strong', '已导出'), `：${file.filename}${count}。请将该文件报送市局监察室；文件内容改动后将无法导入。`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      mount(result, h('p', { class: 'notice notice-error', role: 'alert' }, h('strong', '导出失败'), `：${(err as Error).message}`));
    } finally {
      submit.disabled = false;
    }
  }
}
