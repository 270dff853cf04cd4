import { expect } from 'chai';
import { creditCodeProblem, idNumberProblem, isCreditCode, isIdNumber } from './check-digits.ts';

describe('check digits of unified social credit codes (GB 32100-2015) and ID numbers (GB 11643)', () => {
  it('accepts published credit codes and computes the mod-31 check character', () => {
    expect(isCreditCode('91350100M000100Y43')).to.equal(true);
    expect(isCreditCode('91110000600037341L')).to.equal(true);
    expect(isCreditCode('91110000600037341l')).to.equal(true);
    expect(creditCodeProblem('91110000600037341M')).to.contain('校验位错误（应为 L）');
  });

  it('refuses credit codes of the wrong length or with letters the standard leaves out', () => {
    expect(creditCodeProblem('9111000060003734')).to.contain('18 位');
    expect(creditCodeProblem('91110000600O37341L')).to.contain('“O”');
    expect(creditCodeProblem('')).to.contain('18 位');
  });

  it('accepts an ID number with X as check character and refuses a wrong one', () => {
    expect(isIdNumber('11010519491231002X')).to.equal(true);
    expect(isIdNumber('11010519491231002x')).to.equal(true);
    expect(idNumberProblem('110105194912310021')).to.contain('校验位错误（应为 X）');
  });

  it('refuses ID numbers with an impossible birth date or the wrong form', () => {
    expect(idNumberProblem('11010519491331002X')).to.contain('出生日期');
    expect(idNumberProblem('11010519490230002X')).to.contain('出生日期');
    expect(idNumberProblem('1101051949123100')).to.contain('18 位');
  });
});
