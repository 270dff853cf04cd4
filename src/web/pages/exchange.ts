/**
 * 辖市区交换 (Art. 6), for supervision: import a district bureau's exchange file (checksum and
 * Ed25519 signature checked by the server; importing the same file again changes nothing; a
 * damaged or forged file is refused with the server's message and nothing imported), the imports
 * so far with the operations they brought, and the districts' signing keys (make a key pair —
 * the private key is shown once — or register a public key a district sent).
 */
import { api, ApiError, type DistrictImport, type DistrictKey } from '../api.ts';
import { empty, field, filePicker, h, loading, mount, toast } from '../dom.ts';
import { fmtDate, fmtDateTime } from '../format.ts';
import { districtUnits, unitLabel, userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { monitorTabs, pageHead, saveBlob, shortHash } from './supervision-shared.ts';

export const title = '辖市区交换';

const MAX_BYTES = 20 * 1024 * 1024;

interface DistrictOperation {
  districtId: string;
  operationId: string;
  itemCode: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  data: { businessKey?: string | null; itemName?: string | null; outcome?: string | null } | null;
}

const OP_STATUS: Record<string, string> = { running: '办理中', completed: '已办结', cancelled: '已撤销' };

export async function render(ctx: PageContext): Promise<void> {
  const fileInput = h('input', { type: 'file', id: 'exchange-file', accept: '.json,application/json', 'aria-required': 'true' });
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const importsHost = h('div', loading());
  const opsHost = h('div');
  const keysHost = h('div', loading());
  const keyResult = h('div', { 'aria-live': 'polite' });
  const districts = districtUnits();
  const keyDistrict = h('select', { id: 'key-district' }, districts.map((d) => h('option', { value: d.id }, d.name)));
  const pubDistrict = h('select', districts.map((d) => h('option', { value: d.id }, d.name)));
  const pubKeyId = h('input', { type: 'text', maxlength: 100, required: true, autocomplete: 'off' });
  const pubPem = h('textarea', { rows: 4, required: true, placeholder: '粘贴该辖市（区）公钥文件的全部内容' });

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page exchange-page' },
      monitorTabs(),
      pageHead('辖市区交换', '《办法》第六条：各辖市（区）定期报送权力运行情况。交换文件带 SHA-256 校验和与该辖市（区）的 Ed25519 签名，校验通过才导入；重复导入不改变任何数据。'),
      h(
        'div',
        { class: 'card' },
        h('h2', '导入交换文件'),
        h(
          'form',
          { class: 'filters import-form', onsubmit: (e: Event) => { e.preventDefault(); void importFile(); } },
          filePicker('交换文件（JSON 格式）', fileInput),
          h('button', { type: 'submit', class: 'btn btn-primary' }, '校验并导入'),
        ),
        result,
      ),
      h('div', { class: 'card' }, h('h2', '导入记录'), importsHost, opsHost),
      h(
        'div',
        { class: 'card' },
        h('h2', '签名密钥'),
        keysHost,
        h(
          'form',
          { class: 'filters key-form', onsubmit: (e: Event) => { e.preventDefault(); void makeKey(); } },
          field('辖市（区）', keyDistrict),
          h('button', { type: 'submit', class: 'btn' }, '生成密钥对'),
          h('span', { class: 'cell-sub' }, '平台保存公钥；私钥只显示一次，交该辖市（区）报送员保管。'),
        ),
        keyResult,
        h(
          'details',
          { class: 'register-key' },
          h('summary', '登记辖市（区）自行生成的公钥'),
          h(
            'form',
            { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); void registerKey(); } },
            field('辖市（区）', pubDistrict),
            field('密钥编号', pubKeyId),
            field('公钥（PEM）', pubPem),
            h('button', { type: 'submit', class: 'btn' }, '登记公钥'),
          ),
        ),
      ),
    ),
  );

  async function importFile(): Promise<void> {
    const file = fileInput.files?.[0];
    if (!file) {
      mount(result, h('p', { class: 'notice notice-error', role: 'alert' }, '请选择交换文件。'));
      return;
    }
    if (file.size > MAX_BYTES) {
      mount(result, h('p', { class: 'notice notice-error', role: 'alert' }, h('strong', '未导入'), '：交换文件超过 20 MB。'));
      return;
    }
    const button = (fileInput.form as HTMLFormElement).querySelector('button')!;
    button.disabled = true;
    mount(result, loading('正在校验签名并导入…'));
    try {
      const text = await file.text();
      const r = await api.post<DistrictImport>('/api/district-exchange/imports', { file: text });
      const what = `${unitLabel(r.districtId)} ${r.periodFrom} 至 ${r.periodTo}`;
      mount(
        result,
        r.alreadyImported
          ? h('p', { class: 'notice' }, h('strong', '此前已导入'), `：${what} 的这份文件已于 ${fmtDateTime(r.importedAt)} 导入，本次未改变任何数据。`)
          : h('p', { class: 'notice notice-ok' }, h('strong', '导入成功'), `：${file.name}（${what}），校验和与签名验证通过，办件 ${r.operations} 件（新增 ${r.inserted}，更新 ${r.updated}）。`),
      );
      fileInput.value = '';
      fileInput.dispatchEvent(new Event('change'));
      await loadImports(r.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      mount(
        result,
        h(
          'div',
          { class: 'notice notice-error', role: 'alert' },
          h('strong', '未导入'),
          `：${(err as Error).message}`,
          err instanceof ApiError ? h('div', { class: 'cell-sub' }, `文件：${file.name} · 错误代码 ${err.code}`) : null,
        ),
      );
    } finally {
      button.disabled = false;
    }
  }

  async function showOperations(districtId: string): Promise<void> {
    mount(opsHost, loading());
    const { items } = await api.get<{ items: DistrictOperation[] }>('/api/district-exchange/operations', { district: districtId });
    if (!ctx.alive()) return;
    mount(
      opsHost,
      h('h3', { class: 'ops-title' }, `${unitLabel(districtId)} 已报送的办件（${items.length}）`),
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact' },
              h('thead', h('tr', ['事项', '业务编号', '状态', '受理', '办结', '结果'].map((t) => h('th', { scope: 'col' }, t)))),
              h('tbody', items.map((o) => h('tr', h('td', o.data?.itemName ?? o.itemCode, h('div', { class: 'cell-sub' }, o.itemCode)), h('td', o.data?.businessKey ?? '—'), h('td', OP_STATUS[o.status] ?? o.status), h('td', fmtDateTime(o.startedAt)), h('td', fmtDateTime(o.endedAt)), h('td', o.data?.outcome ?? '—')))),
            ),
          )
        : empty('该辖市（区）报送的文件中没有办件。'),
    );
  }

  async function loadImports(fresh?: string): Promise<void> {
    const { items } = await api.get<{ items: DistrictImport[] }>('/api/district-exchange/imports');
    if (!ctx.alive()) return;
    mount(
      importsHost,
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact imports-table' },
              h('thead', h('tr', ['辖市（区）', '报送期间', '办件', '新增 / 更新', '导入', '文件 SHA-256', ''].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                items.map((i) =>
                  h(
                    'tr',
                    { 'data-import': i.id, class: i.id === fresh ? 'row-fresh' : null },
                    h('td', h('strong', unitLabel(i.districtId))),
                    h('td', `${i.periodFrom} 至 ${i.periodTo}`),
                    h('td', { class: 'num' }, String(i.operations)),
                    h('td', { class: 'num' }, `${i.inserted} / ${i.updated}`),
                    h('td', fmtDateTime(i.importedAt), h('div', { class: 'cell-sub' }, userLabel(i.importedBy))),
                    h('td', shortHash(i.fileSha256)),
                    h('td', { class: 'cell-actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => void showOperations(i.districtId).catch(showError(opsHost)) }, '查看办件')),
                  ),
                ),
              ),
            ),
          )
        : empty('还没有导入过交换文件。', '各辖市（区）报送员导出的交换文件，在上方选择文件导入。'),
    );
  }

  async function loadKeys(): Promise<void> {
    const { items } = await api.get<{ items: DistrictKey[] }>('/api/district-exchange/keys');
    if (!ctx.alive()) return;
    mount(
      keysHost,
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact keys-table' },
              h('thead', h('tr', ['辖市（区）', '密钥编号', '登记', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                items.map((k) =>
                  h(
                    'tr',
                    { 'data-key': k.keyId },
                    h('td', unitLabel(k.districtId)),
                    h('td', h('code', k.keyId)),
                    h('td', fmtDate(k.createdAt), h('span', { class: 'cell-sub' }, ` · ${userLabel(k.createdBy)}`)),
                    h('td', k.revokedAt ? h('span', { class: 'level-tag level-tag-red' }, `已吊销（${fmtDate(k.revokedAt)}）`) : h('span', { class: 'level-tag level-tag-ok' }, '有效')),
                  ),
                ),
              ),
            ),
          )
        : empty('还没有登记签名密钥。', '先为各辖市（区）登记公钥，再导入其交换文件。'),
    );
  }

  async function makeKey(): Promise<void> {
    try {
      const k = await api.post<{ keyId: string; districtId: string; privateKeyPem: string }>('/api/district-exchange/keys', { districtId: keyDistrict.value });
      const pem = h('textarea', { rows: 5, readonly: true, class: 'pem', 'aria-label': '私钥' }, k.privateKeyPem);
      mount(
        keyResult,
        h(
          'div',
          { class: 'notice notice-warn' },
          h('p', h('strong', `已为${unitLabel(k.districtId)}生成密钥 `), h('code', k.keyId)),
          h('p', '私钥只显示这一次，平台不保存。请下载后交该辖市（区）报送员妥善保管；离开本页后无法再次查看。'),
          pem,
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => saveBlob(new Blob([k.privateKeyPem], { type: 'application/x-pem-file' }), `${k.keyId.replace(/[^\w.-]+/g, '_')}.pem`) }, '下载私钥')),
        ),
      );
      await loadKeys();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  async function registerKey(): Promise<void> {
    try {
      await api.post('/api/district-exchange/keys', { districtId: pubDistrict.value, keyId: pubKeyId.value.trim(), publicKey: pubPem.value.trim() });
      toast('公钥已登记');
      pubKeyId.value = '';
      pubPem.value = '';
      await loadKeys();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  await Promise.all([loadImports().catch(showError(importsHost)), loadKeys().catch(showError(keysHost))]);
}

function showError(host: HTMLElement) {
  return (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) return;
    mount(host, h('p', { class: 'form-error' }, (err as Error).message));
  };
}
