import { flow, process, userTask } from '../helpers/bpmn.ts';
import { applyForm, approveForm } from './fixtures.ts';

/**
 * `api-review`: 张明 applies (start form: title, amount); 政策法规处 reviews, then 分管局领导
 * approves, both with the same form (decision, comment) and neither may be the applicant; an
 * approved case comes back to the applicant to be told, a rejected one ends.
 */
export const reviewBpmn = process(
  'api-review',
  `
  <bpmn:startEvent id="start" name="提出申请" camunda:formKey="api-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Legal')}
  <bpmn:userTask id="Task_Legal" name="法律审核" camunda:candidateGroups="legal" camunda:formKey="api-approve">
    <bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="starter" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'Task_Legal', 'Task_Leader')}
  <bpmn:userTask id="Task_Leader" name="分管局领导审批" camunda:candidateGroups="leaders" camunda:formKey="api-approve">
    <bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="starter" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f3', 'Task_Leader', 'gw')}
  <bpmn:exclusiveGateway id="gw" name="是否同意" />
  ${flow('f4', 'gw', 'Task_Notify', '=decision = "approve"')}
  ${flow('f5', 'gw', 'end', '=decision = "reject"')}
  ${userTask('Task_Notify', '告知申请人', 'camunda:assignee="${applicant}"')}
  ${flow('f6', 'Task_Notify', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
);

export const reviewFiles = [
  { name: 'api-apply.form', content: applyForm },
  { name: 'api-approve.form', content: approveForm },
  { name: 'api-review.bpmn', content: reviewBpmn },
];
