/**
 * Chinese for the modeler: bpmn-js palette, context pad and replace menu, the properties panel
 * groups and fields the engine reads, and bpmnlint's messages. Keys are the English strings the
 * libraries pass to `translate`; anything not listed stays as it is.
 */

import { options as panelPreact } from '@bpmn-io/properties-panel/preact';
import { translateVnodes } from '../vnode-words.ts';

export const ZH: Record<string, string> = {
  // palette and tools
  'Activate hand tool': '抓手工具（平移画布）',
  'Activate lasso tool': '套索工具（框选）',
  'Activate create/remove space tool': '插入/删除空间',
  'Activate global connect tool': '连线工具',
  'Create start event': '开始事件',
  'Create intermediate/boundary event': '中间/边界事件',
  'Create end event': '结束事件',
  'Create gateway': '网关',
  'Create task': '任务',
  'Create expanded sub-process': '子流程（展开）',
  'Create data object reference': '数据对象',
  'Create data store reference': '数据存储',
  'Create pool/participant': '泳池/参与者',
  'Create group': '分组',
  'Search in diagram': '在图中搜索',
  // context pad
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append task': '追加任务',
  'Append intermediate/boundary event': '追加中间事件',
  'Append receive task': '追加接收任务',
  'Append message intermediate catch event': '追加消息捕获事件',
  'Append timer intermediate catch event': '追加定时器事件',
  'Append conditional intermediate catch event': '追加条件事件',
  'Append signal intermediate catch event': '追加信号事件',
  'Append compensation activity': '追加补偿活动',
  'Add text annotation': '添加注释',
  'Change element': '更改类型',
  'Connect to other element': '连接到其他元素',
  'Connect using association': '用关联连接',
  'Connect using data input association': '用数据输入关联连接',
  Delete: '删除',
  'Add lane above': '在上方添加泳道',
  'Add lane below': '在下方添加泳道',
  'Divide into two lanes': '分为两个泳道',
  'Divide into three lanes': '分为三个泳道',
  'Align elements': '对齐',
  'Distribute elements horizontally': '水平均分',
  'Distribute elements vertically': '垂直均分',
  'Open {element}': '打开 {element}',
  'Toggle non-interrupting': '切换为非中断',
  Loop: '循环',
  'Parallel multi-instance': '并行多实例',
  'Sequential multi-instance': '串行多实例',
  Collection: '集合',
  // element types (replace menu, search)
  Task: '任务',
  'User task': '用户任务',
  'Service task': '服务任务',
  'Manual task': '手工任务',
  'Receive task': '接收任务',
  'Send task': '发送任务',
  'Script task': '脚本任务（引擎不支持）',
  'Business rule task': '业务规则任务',
  'Call activity': '调用活动（引擎不支持）',
  'Sub-process': '子流程',
  'Sub-process (collapsed)': '子流程（折叠）',
  'Sub-process (expanded)': '子流程（展开）',
  'Event sub-process': '事件子流程',
  Transaction: '事务',
  'Start event': '开始事件',
  'End event': '结束事件',
  'Terminate end event': '终止结束事件',
  'Message start event': '消息开始事件',
  'Timer start event': '定时开始事件',
  'Message end event': '消息结束事件',
  'Intermediate throw event': '中间抛出事件',
  'Message intermediate catch event': '消息中间捕获事件',
  'Message intermediate throw event': '消息中间抛出事件',
  'Timer intermediate catch event': '定时中间捕获事件',
  'Message boundary event': '消息边界事件',
  'Message boundary event (non-interrupting)': '消息边界事件（非中断）',
  'Timer boundary event': '定时边界事件',
  'Timer boundary event (non-interrupting)': '定时边界事件（非中断）',
  'Boundary event': '边界事件',
  'Exclusive gateway': '排他网关',
  'Parallel gateway': '并行网关',
  'Inclusive gateway': '包容网关',
  'Event-based gateway': '事件网关',
  'Complex gateway': '复杂网关',
  'Sequence flow': '顺序流',
  'Default flow': '默认流',
  'Conditional flow': '条件流',
  'Data object reference': '数据对象',
  'Data store reference': '数据存储',
  'Empty pool/participant': '空泳池',
  'Expanded pool/participant': '展开泳池',
  // properties panel header (element type, Title Case)
  Process: '流程',
  Collaboration: '协作',
  Participant: '参与者',
  Lane: '泳道',
  'User Task': '用户任务',
  'Service Task': '服务任务',
  'Manual Task': '手工任务',
  'Receive Task': '接收任务',
  'Send Task': '发送任务',
  'Script Task': '脚本任务',
  'Business Rule Task': '业务规则任务',
  'Call Activity': '调用活动',
  'Start Event': '开始事件',
  'End Event': '结束事件',
  'Message Start Event': '消息开始事件',
  'Timer Start Event': '定时开始事件',
  'Message End Event': '消息结束事件',
  'Terminate End Event': '终止结束事件',
  'Intermediate Throw Event': '中间抛出事件',
  'Intermediate Catch Event': '中间捕获事件',
  'Message Intermediate Catch Event': '消息中间捕获事件',
  'Timer Intermediate Catch Event': '定时中间捕获事件',
  'Message Boundary Event': '消息边界事件',
  'Timer Boundary Event': '定时边界事件',
  'Message Boundary Event (Non Interrupting)': '消息边界事件（非中断）',
  'Timer Boundary Event (Non Interrupting)': '定时边界事件（非中断）',
  'Exclusive Gateway': '排他网关',
  'Parallel Gateway': '并行网关',
  'Inclusive Gateway': '包容网关',
  'Event Based Gateway': '事件网关',
  'Sequence Flow': '顺序流',
  'Conditional Flow': '条件流',
  'Default Flow': '默认流',
  'Expanded Sub Process': '子流程',
  'Collapsed Sub Process': '子流程（折叠）',
  'Event Sub Process': '事件子流程',
  'Text Annotation': '注释',
  Group: '分组',
  // properties panel: panel and groups
  'Select an element to edit its properties.': '请选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single element to edit its properties.': '已选择多个元素，请只选择一个进行编辑。',
  General: '基本信息',
  Documentation: '说明文档',
  'Element documentation': '元素说明',
  'Process documentation': '流程说明',
  'User assignment': '办理人',
  Forms: '表单',
  Form: '表单',
  Condition: '条件',
  Conditions: '条件',
  'Extension properties': '扩展属性',
  'Start initiator': '发起人变量',
  'Candidate starter': '可发起人',
  'Job execution': '作业执行',
  Implementation: '实现方式',
  Timer: '定时器',
  Message: '消息',
  'Asynchronous continuations': '异步延续',
  'Separation of duties': '职责分离',
  // properties panel: fields
  Name: '名称',
  ID: '编号（ID）',
  'Process name': '流程名称',
  'Process ID': '流程编号（ID）',
  'Participant Name': '参与者名称',
  Executable: '可执行',
  'Version tag': '版本标签',
  Assignee: '办理人',
  'Candidate groups': '候选岗位',
  'Candidate users': '候选人',
  'Due date': '办理期限',
  'Follow up date': '跟进日期',
  Priority: '优先级',
  'Specify more than one group as a comma separated list.': '多个岗位的编号用英文逗号分隔。',
  'Specify more than one user as a comma separated list.': '多个用户用英文逗号分隔。',
  'The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).': '工作日期限如 P5D（5 个工作日）、P2W；或日期 2026-12-31。',
  'Candidate starter groups': '可发起岗位',
  'Candidate starter users': '可发起用户',
  Initiator: '发起人变量名',
  Type: '类型',
  'Form key': '表单编号',
  'Form type': '表单类型',
  'Form ID': '表单 ID',
  'Form fields': '表单字段',
  'Embedded or External Task Forms': '平台表单',
  'Camunda Forms': '按引用关联的表单（不支持）',
  'Generated Task Forms': '生成的表单',
  'Custom form key': '自定义表单编号',
  '<none>': '<无>',
  '<empty>': '<空>',
  'Condition type': '条件类型',
  'Condition Expression': '条件表达式',
  'Condition expression': '条件表达式',
  Expression: '表达式',
  Script: '脚本（不支持）',
  'Script type': '脚本类型',
  Topic: '处理程序',
  'External task': '外部任务（注册的处理程序）',
  'Implementation type': '实现类型',
  'Java class': '类实现（不允许）',
  External: '外部处理程序',
  'Delegate expression': '委托表达式（不允许）',
  Connector: '连接器',
  Retries: '重试次数',
  'Retry time cycle': '重试周期',
  Value: '值',
  Key: '键',
  Values: '值',
  'Global message reference': '消息引用',
  'Global signal reference': '信号引用',
  Duration: '时长',
  Date: '日期',
  Cycle: '周期',
  Create: '新建',
  'Create new ...': '新建…',
  'Start typing "${}" to create an expression.': '输入 ${} 以创建表达式。',
  'ID must not be empty.': '编号不能为空。',
  'ID must be unique.': '编号必须唯一。',
  'ID must not contain spaces.': '编号不能包含空格。',
  'ID must be a valid QName.': '编号格式无效。',
  'ID must not contain prefix.': '编号不能带前缀。',
  'The follow up date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).': '跟进日期：工作日期限如 P3D，或日期 2026-12-31。',
  'The follow up date as an EL expression (e.g. ${someDate} or an ISO date (e.g. 2015-06-26T09:54:00).': '跟进日期：工作日期限如 P3D，或日期 2026-12-31。',
  // the panel's chrome (@bpmn-io/properties-panel)
  'Toggle section': '展开/折叠',
  'Section contains edits': '本节有修改',
  'Section contains an error': '本节有错误',
  'Open documentation': '查看说明',
  'Toggle list item': '展开/折叠',
  'Delete item': '删除此项',
  'Create new list item': '新增一项',
  'List contains {numOfItems} item': '共 {numOfItems} 项',
  'List contains {numOfItems} items': '共 {numOfItems} 项',
  'Open pop-up editor': '在弹出窗口中编辑',
  'Opened in editor': '已在编辑器中打开',
  'FEEL expression is mandatory': '此处须填写 FEEL 表达式',
  'Click to set a dynamic value with FEEL expression': '点击改为 FEEL 表达式（动态值）',
  'Click to remove dynamic value with FEEL expression': '点击取消 FEEL 表达式（改为固定值）',
  'Unparsable FEEL expression.': 'FEEL 表达式无法解析。',
  'JSON contains errors': 'JSON 有错误',
  // bpmn-js-bpmnlint
  'Toggle linting overlays': '显示/隐藏检查结果',
  '{errors} Errors, {warnings} Warnings': '{errors} 个错误，{warnings} 个警告',
  'No Issues': '检查通过',
  'This maps to the process definition key.': '即流程定义的编号，部署后不要修改。',
  Errors: '错误',
  Warnings: '警告',
  'Issues for child elements': '子元素的问题',
  // bpmnlint recommended rules
  'Element is missing label/name': '元素缺少名称',
  'Element is missing name': '元素缺少名称',
  'Element is not connected': '元素没有连线',
  'Element is an implicit end': '元素是隐式结束（应连到结束事件）',
  'Element is an implicit start': '元素是隐式开始（应从开始事件连入）',
  'Flow splits implicitly': '流程隐式分支（应使用网关）',
  'Sequence flow is missing condition': '顺序流缺少条件',
  'Gateway forks and joins': '网关同时分支和汇合',
  'Incoming flows do not join': '多条入流没有汇合（应使用网关）',
  'Gateway is superfluous. It only has one source and target.': '网关多余：只有一个来源和一个去向',
  'Sequence flow has superfluous label': '顺序流名称多余',
  'Termination is superfluous.': '终止事件多余',
  'Element overlaps with other element': '元素与其他元素重叠',
  'Element is outside of parent boundary': '元素超出父元素边界',
  'Start event must be blank': '开始事件必须为空事件',
  'Start event is missing event definition': '开始事件缺少事件定义',
  'Event has multiple event definitions': '事件有多个事件定义',
  'Element is missing bpmndi': '元素缺少图形信息',
  'Duplicate outgoing sequence flows': '重复的出流',
  'Duplicate incoming sequence flows': '重复的入流',
  'SequenceFlow is a duplicate': '顺序流重复',
  'Element name is not unique': '元素名称不唯一',
  'Element is unused': '元素未被使用',
};

/** Replaces `{name}` placeholders after translating. */
export function translateZh(template: string, replacements?: Record<string, string>): string {
  let text = ZH[template] ?? translatePattern(template) ?? template;
  return text.replace(/{([^}]+)}/g, (_, key) => replacements?.[key] ?? `{${key}}`);
}

/** Messages with variable parts (bpmnlint builds some of them). */
function translatePattern(text: string): string | null {
  let m = text.match(/^Element type <(.+)> is discouraged$/);
  if (m) return `不建议使用元素类型 <${m[1]}>`;
  m = text.match(/^Process is missing (start|end) event$/);
  if (m) return `流程缺少${m[1] === 'start' ? '开始' : '结束'}事件`;
  m = text.match(/^(.*) is missing (start|end) event$/);
  if (m) return `${m[1]} 缺少${m[2] === 'start' ? '开始' : '结束'}事件`;
  m = text.match(/^(.*) has multiple blank start events$/);
  if (m) return `${m[1]} 有多个空开始事件`;
  return null;
}

/** The properties panel's own words that reach no `translate` call (button titles in its entries). */
const PANEL_CHROME = new Set(['Open pop-up editor', 'Opened in editor', 'Toggle list item', 'Delete item', 'Create new list item', 'Toggle section', 'Section contains edits', 'Section contains an error', 'Open documentation', 'FEEL expression is mandatory', 'Click to set a dynamic value with FEEL expression', 'Click to remove dynamic value with FEEL expression', 'Unparsable FEEL expression.', 'JSON contains errors', '<empty>', '<none>', 'Create']);

/** The platform's extension properties, named in Chinese in the panel's list (the name field keeps the key). */
export const PROPERTY_LABELS: Record<string, string> = {
  caseNumberPattern: '案号格式',
  subjectExpression: '事由表达式',
  separationOfDuties: '职责分离',
  retryProfile: '重试方案',
  completionCheck: '办结检查',
  cancelRequiresApproval: '撤销须审批',
  outcome: '办理结果',
  stage: '阶段',
};

function panelWord(text: string): string {
  const t = text.trim();
  if (PANEL_CHROME.has(t)) return translateZh(t);
  return PROPERTY_LABELS[t] ?? text;
}

let panelInstalled = false;

/**
 * The bpmn-js module that replaces the default (English) translate service; also sends the
 * properties panel's few untranslatable literals through the same dictionary as preact renders them.
 */
export const translateModule = {
  __init__: [() => {
    if (panelInstalled) return;
    panelInstalled = true;
    translateVnodes(panelPreact, panelWord);
  }],
  translate: ['value', translateZh],
};
