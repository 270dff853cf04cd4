import { expect } from 'chai';
import { isPersonalName, maskIdCard, maskPersonal, maskPhone, maskText, maskValue, personalFieldsOf } from '../../src/domain/personal-data.ts';

/** Masking citizens' personal data (issue 10, finding 8): pure functions, no database. */
describe('domain: masking personal data', () => {
  it('keeps the first and last four digits of an ID number', () => {
    expect(maskIdCard('320402199001011234')).to.equal('3204**********1234');
    expect(maskValue('32040219800101123X')).to.equal('3204**********123X');
    expect(maskValue('320402800101123')).to.equal('3204*******1123');
  });

  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13812345678')).to.equal('138****5678');
    expect(maskValue('0519-86661234')).to.equal('051*****1234');
    expect(maskPhone('12345')).to.equal('*****');
  });

  it('keeps only the region of an address', () => {
    expect(maskText('常州市天宁区和平北路12号3幢201室')).to.equal('常州市天宁区****');
    expect(maskValue('天宁区某小区')).to.equal('天宁****');
    expect(maskText('北京')).to.equal('****');
  });

  it('recognises personal variables by name', () => {
    for (const k of ['partyIdCard', 'idNumber', 'contactPhone', 'mobile', 'partyAddress', '联系电话', '身份证号']) expect(isPersonalName(k), k).to.equal(true);
    for (const k of ['partyName', 'facts', 'businessKey', 'amount', 'partyCreditCode']) expect(isPersonalName(k), k).to.equal(false);
  });

  it('masks at any depth, in lists, and in history rows {name, value}; leaves the input alone', () => {
    const input = {
      partyIdCard: '320402199001011234',
      note: '无',
      people: [{ witness: '张三', witnessRef: '13812345678' }],
      history: [{ type: 'variable', data: { name: 'contactPhone', value: '13812345678' } }],
      empty: { partyAddress: '' },
    };
    const { value, found } = maskPersonal(input, new Set(['witnessRef']));
    expect(value).to.deep.equal({
      partyIdCard: '3204**********1234',
      note: '无',
      people: [{ witness: '张三', witnessRef: '138****5678' }],
      history: [{ type: 'variable', data: { name: 'contactPhone', value: '138****5678' } }],
      empty: { partyAddress: '' },
    });
    expect(found).to.deep.equal(['contactPhone', 'partyIdCard', 'witnessRef']);
    expect(input.partyIdCard).to.equal('320402199001011234');
  });

  it('reads the fields a form marks personal, in groups and dynamic lists too', () => {
    const schema = {
      components: [
        { key: 'a', type: 'textfield', properties: { personal: 'true' } },
        { key: 'b', type: 'textfield', properties: { personal: 'false' } },
        { type: 'group', components: [{ key: 'c', type: 'textfield', properties: { personal: true } }] },
        { type: 'dynamiclist', path: 'list', components: [{ key: 'd', type: 'textfield', properties: { personal: 'true' } }] },
      ],
    };
    expect(personalFieldsOf(schema)).to.deep.equal(['a', 'c', 'd']);
  });
});
