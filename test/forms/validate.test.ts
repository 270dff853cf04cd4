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
