import { expect } from 'chai';
import { compile, evaluateCompiled, evaluateCondition, EvaluationError, ExpressionSyntaxError, juelToFeel, problemOf } from './feel.ts';

describe('lib/feel: JUEL → FEEL on a token stream', () => {
  it('Given JUEL operators, when translated, then each becomes its FEEL operator', () => {
    expect(juelToFeel('decision == "approve"')).to.equal('decision = "approve"');
    expect(juelToFeel('a != 1 && b || c')).to.equal('a != 1 and b or c');
    expect(juelToFeel('a eq 1 and b ne 2 or c lt 3')).to.equal('a = 1 and b != 2 or c < 3');
    expect(juelToFeel('x gt 1 && x ge 2 && x le 9')).to.equal('x > 1 and x >= 2 and x <= 9');
  });

  it('Given a string literal holding operators, brackets and spaces, when translated, then the literal comes out unchanged', () => {
    expect(juelToFeel('decision == "a ( b"')).to.equal('decision = "a ( b"');
    expect(juelToFeel('note == "x == y && z"')).to.equal('note = "x == y && z"');
    expect(juelToFeel("s == 'not ok , [ ] . )'")).to.equal('s = "not ok , [ ] . )"');
  });

  it('Given single-quoted strings with quotes and backslashes, when translated, then FEEL gets the same value, re-escaped', () => {
    expect(juelToFeel(`name == 'say "hi"'`)).to.equal('name = "say \\"hi\\""');
    expect(juelToFeel(`name == 'it\\'s'`)).to.equal(`name = "it's"`);
    expect(juelToFeel(`path == 'a\\\\b'`)).to.equal('path = "a\\\\b"');
    expect(evaluateCondition(compile(`\${name == 'say "hi"' && path == 'a\\\\b'}`), { name: 'say "hi"', path: 'a\\b' })).to.equal(true);
  });

  it('Given ! and not, when translated, then the operand (a path, a call or a group) is wrapped in not(…)', () => {
    expect(juelToFeel('!approved')).to.equal('not(approved)');
    expect(juelToFeel('not a.b && c')).to.equal('not(a.b) and c');
    expect(juelToFeel('!(a == 1 || b)')).to.equal('not((a = 1 or b))');
    expect(juelToFeel('!!x')).to.equal('not(not(x))');
    expect(juelToFeel('!list[0]')).to.equal('not(list[0])');
  });

  it('Given paths, calls and lists, when translated, then no space is put inside them', () => {
    expect(juelToFeel('count(items) > 1')).to.equal('count(items) > 1');
    expect(juelToFeel('a.b.c == f(x, y)[0]')).to.equal('a.b.c = f(x, y)[0]');
    expect(juelToFeel('x in [1, 2] and (y)')).to.equal('x in [1, 2] and (y)');
  });

  it('Given a property named like a JUEL word operator, when translated, then it stays a name', () => {
    expect(juelToFeel('limits.lt == 1')).to.equal('limits.lt = 1');
  });

  it('Given empty, a dangling ! or an unclosed string, when translated, then a syntax error with its offset is thrown', () => {
    expect(() => juelToFeel('empty x')).to.throw(ExpressionSyntaxError, 'empty');
    expect(() => juelToFeel('a && !')).to.throw(ExpressionSyntaxError, '缺少操作数');
    try {
      juelToFeel('a == "open');
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(ExpressionSyntaxError);
      expect((err as ExpressionSyntaxError).offset).to.equal(5);
    }
  });
});

describe('lib/feel: compile and evaluate', () => {
  it('Given the literal "a ( b", when `${decision == "a ( b"}` is evaluated, then it is true (the string was not rewritten)', () => {
    const c = compile('${decision == "a ( b"}');
    expect(c).to.deep.equal({ kind: 'feel', feel: 'decision = "a ( b"' });
    expect(evaluateCondition(c, { decision: 'a ( b' })).to.equal(true);
    expect(evaluateCondition(c, { decision: 'a(b' })).to.equal(false);
  });

  it('Given the three notations, when compiled, then FEEL, a template and a literal come out', () => {
    expect(compile('=amount > 300000')).to.deep.equal({ kind: 'feel', feel: 'amount > 300000' });
    expect(compile('  ${a == 1}  ')).to.deep.equal({ kind: 'feel', feel: 'a = 1' });
    expect(compile('审批 ${name} 的 ${count} 件')).to.deep.equal({ kind: 'template', parts: ['审批 ', { feel: 'name' }, ' 的 ', { feel: 'count' }, ' 件'] });
    expect(compile('plain text')).to.deep.equal({ kind: 'literal', value: 'plain text' });
  });

  it('Given a } inside a string in a template, when compiled, then the expression ends at the real closing brace', () => {
    const c = compile('结果：${x == "}"}');
    expect(c).to.deep.equal({ kind: 'template', parts: ['结果：', { feel: 'x = "}"' }] });
    expect(evaluateCompiled(c, { x: '}' })).to.equal('结果：true');
  });

  it('Given an unclosed ${, when compiled, then the text stays literal', () => {
    expect(evaluateCompiled(compile('cost ${abc'), {})).to.equal('cost ${abc');
  });

  it('Given FEEL with == or a doubled operator, when checked, then the problem names the position', () => {
    expect(problemOf('=a == 1')?.message).to.contain('"="');
    expect(problemOf('=a == 1')?.offset).to.equal(3);
    expect(problemOf('=a > > 3')?.message).to.contain('比较运算符重复');
    expect(problemOf('=a b')?.message).to.contain('缺少运算符');
    expect(problemOf('${}')?.message).to.contain('表达式为空');
    expect(problemOf('=a = 1')).to.equal(null);
  });

  it('Given a missing variable, when evaluated, then an EvaluationError names it, unless the expression asks about null', () => {
    expect(() => evaluateCompiled(compile('=amount > 1'), {})).to.throw(EvaluationError, 'amount');
    expect(evaluateCondition(compile('=comment != null'), {})).to.equal(false);
  });

  it('Given a condition that is not boolean, when evaluated, then it is an error, never a silent false', () => {
    expect(() => evaluateCondition(compile('=1 + 1'), {})).to.throw(EvaluationError, '不是布尔值');
  });

  it('Given JUEL method calls, when translated and evaluated, then they act as in Camunda 7 (string literals untouched)', () => {
    const vars = { reviewers: ['engineer', 'legal'], title: '关于张三的申请', none: [], note: '', amount: 12 };
    const run = (e: string) => evaluateCompiled(compile(e), vars);
    expect(run("${reviewers.contains('engineer')}")).to.equal(true);
    expect(run("${reviewers.contains('a.contains(b)')}")).to.equal(false);
    expect(run('${title.contains("张三")}')).to.equal(true);
    expect(run('${reviewers.size() == 2 && none.isEmpty() && note.isEmpty()}')).to.equal(true);
    expect(run('${!reviewers.isEmpty()}')).to.equal(true);
    expect(run('${title.startsWith("关于") && !title.endsWith("x")}')).to.equal(true);
    expect(run('${title.equals("关于张三的申请") && "LEGAL".equalsIgnoreCase("legal")}')).to.equal(true);
    expect(run('${execution.getVariable("amount") gt 10}')).to.equal(true);
    expect(run("${'abcde'.substring(1, 3).toUpperCase()}")).to.equal('BC');
    expect(run('#{amount > 10}')).to.equal(true);
    expect(juelToFeel('"x.size()" == s')).to.equal('"x.size()" = s');
  });

  it('Given a Java method the translation does not know, when checked, then deploy is told which', () => {
    expect(problemOf('${list.stream()}')?.message).to.be.a('string');
    expect(problemOf('${execution.getVariable(name)}')?.message).to.contain('getVariable');
  });
});
