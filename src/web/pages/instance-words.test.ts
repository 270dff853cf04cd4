import { expect } from 'chai';
import type { FormSchema, HistoryEntry } from '../api.ts';
import { auditChanges, elementLabel, elementNames, formKeys, historySentence, plainIp, valueText, variableLines, vocabulary, worthTelling } from './instance-words.ts';

const XML = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
  <bpmn:process id="repair" name="故障报修">
    <bpmn:startEvent id="Start" name="报修" camunda:formKey="camunda-forms:deployment:repair-start.form"/>
    <bpmn:userTask id="Task_Review" name="审核 &quot;A&quot; &amp; B" camunda:formKey="repair-review"/>
    <bpmn:userTask id="Task_Plain"/>
  </bpmn:process>
</bpmn:definitions>`;

const START: FormSchema = {
  id: 'repair-start',
  components: [
    { type: 'textfield', key: 'asset', label: '设备名称' },
    { type: 'select', key: 'kind', label: '故障类别', values: [{ value: 'a', label: '甲类' }, { value: 'b', label: '乙类' }] },
    { type: 'dynamiclist', path: 'parts', label: '更换部件', components: [{ type: 'textfield', key: 'part', label: '部件' }] },
  ],
} as unknown as FormSchema;

const people: Record<string, string> = { zhangming: '张明', wangjg: '王建国' };
const person = (id: string) => people[id] ?? id;
const entry = (e: Partial<HistoryEntry> & { type: string }): HistoryEntry => ({ at: '2026-12-02T02:00:00Z', ...e });

describe('instance page words: what a supervisor reads instead of keys and JSON', () => {
  const v = vocabulary(XML, [START], '故障报修');

  describe('the vocabulary comes from the BPMN file and its forms', () => {
    it('names elements by id, decoding XML entities, and never invents a name', () => {
      const names = elementNames(XML);
      expect(names.get('Start')).to.equal('报修');
      expect(names.get('Task_Review')).to.equal('审核 "A" & B');
      expect(names.has('Task_Plain')).to.equal(false);
    });

    it('lists the form keys of start events and user tasks without the camunda-forms prefix or .form suffix', () => {
      expect(formKeys(XML)).to.deep.equal(['repair-start', 'repair-review']);
    });

    it('an element without a name is 未命名环节, never its id', () => {
      expect(elementLabel('Task_Plain', v)).to.equal('未命名环节');
      expect(elementLabel('Task_Review', v)).to.equal('审核 "A" & B');
      expect(elementLabel('Task_Plain', v, ' 现场核查 ')).to.equal('现场核查');
    });
  });

  describe('values as people read them', () => {
    it('choices show their option labels, booleans 是/否, empties a dash', () => {
      expect(valueText('kind', 'a', v)).to.equal('甲类');
      expect(valueText('urgent', true, v)).to.equal('是');
      expect(valueText('asset', '', v)).to.equal('—');
      expect(valueText('decision', 'reject', v)).to.equal('不同意');
    });

    it('lists of rows are numbered, objects are label：value pairs', () => {
      expect(valueText('parts', [{ part: '电源' }, { part: '风扇' }], v)).to.equal('第 1 行：部件：电源；第 2 行：部件：风扇');
      expect(valueText('itemPatch', { name: '新名称', promisedDays: 5 }, v)).to.equal('名称：新名称，承诺时限（工作日）：5');
    });

    it('variable lines follow the form order and label unknown keys null (shown as code)', () => {
      const lines = variableLines({ zzz: 1, kind: 'b', asset: '发电机' }, v);
      expect(lines.map((l) => l.key)).to.deep.equal(['asset', 'kind', 'zzz']);
      expect(lines[1]).to.deep.equal({ key: 'kind', label: '故障类别', text: '乙类' });
      expect(lines[2].label).to.equal(null);
    });

    it('an IPv4 client seen through an IPv6 socket is shown as plain IPv4', () => {
      expect(plainIp('::ffff:127.0.0.1')).to.equal('127.0.0.1');
      expect(plainIp('2001:db8::1')).to.equal('2001:db8::1');
      expect(plainIp(null)).to.equal('—');
    });
  });

  describe('history in sentences', () => {
    it('names the person, the step and the reason', () => {
      expect(historySentence(entry({ type: 'process.start', actor: 'wangjg', data: { definitionId: 'repair:3' } }), v, person)).to.equal('王建国 发起了流程（第 3 版）');
      expect(historySentence(entry({ type: 'task.claimed', actor: 'zhangming', elementId: 'Task_Review' }), v, person)).to.equal('张明 认领了“审核 "A" & B”');
      expect(historySentence(entry({ type: 'task.assigned', actor: 'wangjg', elementId: 'Task_Review', data: { to: 'zhangming' } }), v, person)).to.equal('王建国 把“审核 "A" & B”转给 张明');
      expect(historySentence(entry({ type: 'process.cancel', actor: 'wangjg', data: { reason: '重复申请' } }), v, person)).to.equal('王建国 撤销了流程，原因：重复申请');
    });

    it('technical incidents are 异常 named by the step, never by element id', () => {
      const text = historySentence(entry({ type: 'incident.created', elementId: 'Task_Plain', data: { attempts: 3 } }), v, person);
      expect(text).to.equal('“未命名环节”出现异常（已自动重试 3 次）');
      expect(text).to.not.include('Task_Plain');
    });

    it('a variable change speaks of the form label and the person behind an id', () => {
      expect(historySentence(entry({ type: 'variable', data: { name: 'kind', value: 'b' } }), v, person)).to.equal('“故障类别”改为 乙类');
      expect(historySentence(entry({ type: 'variable', data: { name: 'assignee', value: 'zhangming' } }), v, person)).to.equal('“办理人”改为 张明');
      expect(historySentence(entry({ type: 'variable', data: { name: 'x_internal', value: 1 } }), v, person)).to.equal('一项系统记录改为 1');
    });

    it('leaving a step and passing a gateway are not worth telling; entering a step is', () => {
      expect(worthTelling(entry({ type: 'activity.end' }))).to.equal(false);
      expect(worthTelling(entry({ type: 'activity.start', elementType: 'bpmn:ExclusiveGateway' }))).to.equal(false);
      expect(worthTelling(entry({ type: 'activity.start', elementType: 'bpmn:IntermediateCatchEvent' }))).to.equal(true);
      expect(worthTelling(entry({ type: 'task.completed' }))).to.equal(true);
    });
  });

  describe('audit rows as field-by-field changes', () => {
    it('flattens nested variables, names people and versions, and leaves unchanged fields out', () => {
      const changes = auditChanges(
        { assignee: 'zhangming', status: 'open', variables: { kind: 'a' } },
        { assignee: 'wangjg', status: 'open', variables: { kind: 'b' }, definitionId: 'repair:2' },
        v,
        person,
      );
      expect(changes).to.deep.equal([
        { field: '办理人', from: '张明', to: '王建国' },
        { field: '故障类别', from: '甲类', to: '乙类' },
        { field: '流程版本', from: '—', to: '第 2 版' },
      ]);
    });

    it('a bare value on either side is 内容', () => {
      expect(auditChanges(null, 'x', v, person)).to.deep.equal([{ field: '内容', from: '—', to: 'x' }]);
    });
  });
});
