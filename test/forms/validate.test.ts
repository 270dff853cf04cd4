import { expect } from 'chai';
import { checkFormSchema, validateSubmission, type FormSchema } from '../../src/forms/validate.ts';

const form: FormSchema = {
  type: 'default',
  components: [
    { type: 'textfield', key: 'reason', label: '变更原因', validate: { required: true, minLength: 5, maxLength: 200 } },
    { type: 'textfield', key: 'ref', label: '三合一平台变更编号', validate: { required: true, pattern: '^SHY-[0-9]{4}-[0-9]+$' } },
    { type: 'number', key: 'amount', label: '投资额', validate: { min: 0, max: 100000000 } },
    { type: 'select', key: 'action', label: '变更类型', values: [{ label: '新增', value: 'add' }, { label: '删除', value: 'remove' }], validate: { required: true } },
    { type: 'textarea', key: 'removalNote', label: '删除说明', conditional: { hide: '=action != "remove"' }, validate: { required: true } },
    { type: 'checkbox', key: 'confirmed', label: '已核对' },
    { type: 'datetime', key: 'faultDate', subtype: 'date', dateLabel: '故障日期' },
    { type: 'textfield', key: 'applicant', label: '申请人', readonly: true },
    {
      type: 'dynamiclist',
      path: 'people',
      label: '人员名单',
      components: [
        { type: 'textfield', key: 'username', label: '用户名', validate: { required: true } },
        { type: 'select', key: 'change', label: '变更', values: [{ label: '授予', value: 'grant' }, { label: '撤销', value: 'revoke' }], validate: { required: true } },
      ],
    },
    { type: 'text', text: '说明文字' },
  ],
};

describe('forms: server-side validation of form-js submissions', () => {
  it('accepts a valid submission and types its values', () => {
    const { values, errors } = validateSubmission(form, {
      reason: '法律修订后调整',
      ref: 'SHY-2026-17',
      amount: '350000',
      action: 'add',
      confirmed: true,
      faultDate: '2026-11-26',
      people: [{ username: 'zhang', change: 'grant' }],
    });
    expect(errors).to.deep.equal([]);
    expect(values).to.deep.equal({
      reason: '法律修订后调整',
      ref: 'SHY-2026-17',
      amount: 350000,
      action: 'add',
      confirmed: true,
      faultDate: '2026-11-26',
      people: [{ username: 'zhang', change: 'grant' }],
    });
  });

  it('reports one Chinese message per bad field', () => {
    const { errors } = validateSubmission(form, {
      reason: '短',
      ref: 'abc',
      amount: -1,
      action: 'rename',
      faultDate: '2026-13-45',
      people: [{ username: '', change: 'grant' }, { username: 'li', change: 'x', extra: 1 }],
    });
    expect(errors).to.deep.equal([
      { field: 'reason', message: '“变更原因”不能少于 5 个字符' },
      { field: 'ref', message: '“三合一平台变更编号”格式不正确' },
      { field: 'amount', message: '“投资额”不能小于 0' },
      { field: 'action', message: '“变更类型”不是有效的选项' },
      { field: 'faultDate', message: '“故障日期”不是有效的日期/时间' },
      { field: 'people[0].username', message: '“用户名”为必填项' },
      { field: 'people[1].change', message: '“变更”不是有效的选项' },
      { field: 'people[1].extra', message: '表单中没有字段“extra”' },
    ]);
  });

  it('requires a field only when it is shown, and keeps read-only fields out of the submission', () => {
    const base = { reason: '职权调整需要', ref: 'SHY-2026-1' };
    expect(validateSubmission(form, { ...base, action: 'add' }).errors).to.deep.equal([]);
    expect(validateSubmission(form, { ...base, action: 'remove' }).errors).to.deep.equal([{ field: 'removalNote', message: '“删除说明”为必填项' }]);
    const { values } = validateSubmission(form, { ...base, action: 'add', applicant: 'someone-else' });
    expect(values).to.not.have.property('applicant');
  });

  it('refuses fields the form does not declare and a non-object body', () => {
    expect(validateSubmission(form, { reason: '职权调整需要', ref: 'SHY-2026-1', action: 'add', approved: true }).errors).to.deep.equal([
      { field: 'approved', message: '表单中没有字段“approved”' },
    ]);
    expect(validateSubmission(form, [1, 2]).errors[0].message).to.match(/应为对象/);
  });

  it('finds problems in a form file itself', () => {
    expect(checkFormSchema({ components: [{ type: 'textfield', label: '无键' }, { type: 'textfield', key: 'a', validate: { pattern: '([' } }] })).to.deep.equal([
      '字段“无键”缺少 key',
      '字段“a”的正则表达式无效：([',
    ]);
    expect(checkFormSchema([])).to.deep.equal(['表单文件应为 JSON 对象']);
  });
});

describe('forms: containers', () => {
  const form: FormSchema = {
    components: [
      { type: 'radio', key: 'r', label: '类型', values: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }] },
      { type: 'group', label: '补充', conditional: { hide: '=r = "a"' }, components: [{ type: 'textfield', key: 'inGroup', label: '组内字段', validate: { required: true } }] },
      { type: 'dynamiclist', path: 'rows', label: '名单', readonly: true, components: [{ type: 'textfield', key: 'x', label: 'X' }] },
      { type: 'dynamiclist', path: 'people', label: '人员', components: [{ type: 'textfield', key: 'name', label: '姓名', validate: { required: true } }] },
    ],
  };

  it('accepts and ignores the fields of a hidden group, and requires them when it shows', () => {
    expect(validateSubmission(form, { r: 'a', inGroup: null })).to.deep.equal({ values: { r: 'a' }, errors: [] });
    expect(validateSubmission(form, { r: 'b' }).errors).to.deep.equal([{ field: 'inGroup', message: '“组内字段”为必填项' }]);
  });

  it('keeps a read-only list as the instance has it, and does not wipe a list left out', () => {
    const res = validateSubmission(form, { r: 'b', inGroup: 'x', rows: [{ x: 'changed by reviewer' }] });
    expect(res.errors).to.deep.equal([]);
    expect(res.values).to.deep.equal({ r: 'b', inGroup: 'x' });
    expect(validateSubmission(form, { r: 'b', inGroup: 'x', people: [{ name: '张三' }] }).values.people).to.deep.equal([{ name: '张三' }]);
  });
});
