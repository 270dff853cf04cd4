import { flow, process, userTask } from '../helpers/bpmn.ts';

/**
 * Small processes and forms for the API tests, deployed through POST /api/deployments.
 * `api-approval`: the starter fills in a request (start form), a unit head approves it within
 * three working days; the starter may not approve their own request (separation of duties).
 */

export const applyForm = JSON.stringify({
  type: 'default',
  components: [
    { id: 'f1', type: 'textfield', key: 'title', label: '事项名称', validate: { required: true, maxLength: 50 } },
    { id: 'f2', type: 'number', key: 'amount', label: '金额' },
  ],
});

export const approveForm = JSON.stringify({
  type: 'default',
  components: [
    { id: 't1', type: 'text', text: '申请：{{title}}' },
    {
      id: 'a1',
      type: 'radio',
      key: 'decision',
      label: '审批意见',
      values: [
        { label: '同意', value: 'approve' },
        { label: '不同意', value: 'reject' },
      ],
      validate: { required: true },
    },
    { id: 'a2', type: 'textarea', key: 'comment', label: '说明', validate: { maxLength: 20 } },
  ],
});

export const approvalBpmn = process(
  'api-approval',
  `
  <bpmn:startEvent id="start" name="提出申请" camunda:formKey="api-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  <bpmn:userTask id="Task_Approve" name="负责人审批" camunda:candidateGroups="unit-heads" camunda:formKey="api-approve" camunda:dueDate="P3D">
    <bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="starter" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'Task_Approve', 'gw')}
  <bpmn:exclusiveGateway id="gw" name="是否同意" />
  ${flow('f3', 'gw', 'Task_Notify', '=decision = "approve"')}
  ${flow('f4', 'gw', 'end', '=decision = "reject"')}
  ${userTask('Task_Notify', '告知申请人', 'camunda:assignee="${applicant}"')}
  ${flow('f5', 'Task_Notify', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
);

/** Only unit heads may start it (camunda:candidateStarterGroups). */
export const headsOnlyBpmn = process(
  'api-heads-only',
  `
  <bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'work')}
  ${userTask('work', '办理', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'work', 'end')}
  <bpmn:endEvent id="end" />
`,
  { attrs: 'camunda:candidateStarterGroups="unit-heads"' },
);

/** Waits for a message `api-documents` after the first task. */
export const messageBpmn = process(
  'api-wait',
  `
  <bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'wait')}
  <bpmn:intermediateCatchEvent id="wait" name="等待材料"><bpmn:messageEventDefinition messageRef="Msg_docs" /></bpmn:intermediateCatchEvent>
  ${flow('f2', 'wait', 'check')}
  ${userTask('check', '审查材料', 'camunda:candidateGroups="legal"')}
  ${flow('f3', 'check', 'end')}
  <bpmn:endEvent id="end" />
`,
  { messages: { Msg_docs: 'api-documents' } },
);

export const approvalFiles = [
  { name: 'api-apply.form', content: applyForm },
  { name: 'api-approve.form', content: approveForm },
  { name: 'api-approval.bpmn', content: approvalBpmn },
  { name: 'api-heads-only.bpmn', content: headsOnlyBpmn },
  { name: 'api-wait.bpmn', content: messageBpmn },
];
