import type { EffectGuard, GuardCall, RequiredApproval } from '../engine/guards.ts';

/**
 * The capability of every service-task handler (see src/engine/guards.ts): which procedures may
 * call it and which approvals the calling instance must show, derived from the procedures in
 * processes/. A handler registered without an entry here is refused at start-up; an entry whose
 * handler is not registered (yet) is harmless.
 *
 * Approvals are the latest completion of the step, by a current member of the group, not by the
 * instance's starter (unless said otherwise), and after the applicant's latest revision.
 */

const READ_ONLY: EffectGuard = { processKeys: '*', effect: false };

/** Picks variables for the audit row's "what changed". */
const pick =
  (...keys: string[]) =>
  (call: GuardCall, output: Record<string, unknown>) => ({
    ...Object.fromEntries(keys.filter((k) => call.variables[k] !== undefined).map((k) => [k, call.variables[k]])),
    result: output,
  });

const afterRevision = (r: RequiredApproval): RequiredApproval => ({ ...r, after: [...(r.after ?? []), 'Task_Revise'] });

const outcome = (o: string) => (call: GuardCall) => (call.properties.outcome || 'closed') === o;

export const GUARDS: Record<string, EffectGuard> = {
  // ---- read-only lookups and checks: any procedure may call them ----
  'catalog.checkChange': READ_ONLY,
  'catalog.loadItem': READ_ONLY,
  'org.checkChanges': READ_ONLY,
  'org.resolveUnitHead': READ_ONLY,
  'records.checkDeletion': READ_ONLY,

  // ---- user-role-change.bpmn (Art. 9) ----
  'org.applyChanges': {
    processKeys: ['user-role-change'],
    effect: true,
    requires: [
      // A department change needs the leader in charge; a leader change, supervision's check of the document.
      [
        afterRevision({ element: 'Task_LeaderApproval', groups: ['leaders'], equals: { decision: 'approve' } }),
        afterRevision({ element: 'Task_VerifyDocument', groups: ['supervision'], equals: { decision: 'approve' } }),
      ],
      afterRevision({ element: 'Task_Filing', groups: ['supervision'], equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_VendorApply', groups: ['vendor'] }),
    ],
    describe: pick('branch', 'changes', 'docNumber', 'docIssuer', 'reason'),
  },

  // ---- item-change.bpmn (Art. 8) ----
  'catalog.applyChange': {
    processKeys: ['item-change'],
    effect: true,
    requires: [
      afterRevision({ element: 'Task_LegalReview', groups: ['legal'], equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_LeaderApproval', groups: ['leaders'], equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_Filing', groups: ['supervision'], equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_VendorApply', groups: ['vendor'] }),
    ],
    describe: pick('changeType', 'itemCode', 'reason'),
  },

  // ---- data-deletion.bpmn (Art. 7) ----
  'records.archiveDeletion': {
    processKeys: ['data-deletion'],
    effect: true,
    requires: [
      // The head is whoever the unit's head is at the time (or the leader in charge): no fixed group.
      afterRevision({ element: 'Task_HeadApproval', equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_Filing', groups: ['supervision'], equals: { decision: 'approve' } }),
      afterRevision({ element: 'Task_Delete', groups: ['supervision'], equals: { confirmDelete: true } }),
    ],
    describe: pick('targets', 'content', 'reason'),
  },

  // ---- power-case.bpmn ----
  'records.recordCase': {
    processKeys: ['power-case'],
    effect: true,
    requires: [
      afterRevision({ element: 'Task_Review' }),
      afterRevision({ element: 'Task_Decide', groups: ['leaders'] }),
      afterRevision({ element: 'Task_Deliver', notStarter: false }),
    ],
    describe: pick('itemCode', 'grant', 'documentNo'),
  },

  // ---- complaint-handling.bpmn (投诉举报, issue 18) ----
  'complaint.conclude': {
    processKeys: ['complaint-handling'],
    effect: true,
    requires: [{ element: 'Task_Verify', groups: ['supervision'], notStarter: false }],
    describe: pick('finding'),
  },

  // ---- fault-report.bpmn (Art. 10) ----
  'fault.register': { processKeys: ['fault-report'], effect: true, describe: pick('device', 'occurredAt') },
  'fault.close': {
    processKeys: ['fault-report'],
    effect: true,
    requires: [{ element: 'Task_Repair', groups: ['info-centre'], notStarter: false }],
    describe: pick('lateReport', 'affectedOperation', 'repairNote'),
  },

  // ---- accountability-review.bpmn (Art. 13) ----
  'accountability.register': { processKeys: ['accountability-review'], effect: true, describe: pick('category', 'subjectKind', 'subjectUserId', 'subjectUnitId', 'source') },
  'accountability.dismiss': {
    processKeys: ['accountability-review'],
    effect: true,
    // Oversight of the overseers (issue 18, item 4): supervision's dismissal stands only with the
    // agreement of a discipline-committee member who did not draft it.
    requires: [
      { element: 'Task_Draft', groups: ['supervision'], equals: { draftAction: 'dismiss' }, notStarter: false, notVariables: ['subjectUserId'] },
      { element: 'Task_DismissReview', groups: ['discipline-committee'], equals: { dismissDecision: 'agree' }, after: ['Task_Draft'], notVariables: ['subjectUserId'] },
    ],
    describe: pick('dismissReason', 'dismissComment'),
  },
  'appraisal.enter': {
    processKeys: ['accountability-review'],
    effect: true,
    requires: [
      { element: 'Task_Draft', groups: ['supervision'], equals: { draftAction: 'propose' }, notStarter: false, notVariables: ['subjectUserId'] },
      { element: 'Task_PartyReview', groups: ['party-committee'], equals: { partyDecision: 'agree' }, after: ['Task_Draft'], notVariables: ['subjectUserId'] },
      { element: 'Task_DisciplineReview', groups: ['discipline-committee'], equals: { disciplineDecision: 'agree' }, after: ['Task_Draft'], notVariables: ['subjectUserId'] },
      { element: 'Task_SeriousHandling', groups: ['party-committee'], after: ['Task_Draft'], notVariables: ['subjectUserId'], when: (c) => c.variables.serious === true },
    ],
    describe: pick('outcome', 'deduction', 'serious', 'measure'),
  },

  // ---- penalty-case.bpmn ----
  'penalty.register': { processKeys: ['penalty-case'], effect: true, describe: pick('itemCode', 'partyType') },
  // Records the decided fine on the case; the decision itself is the leaders' (checked at close).
  'penalty.checkDiscretion': { processKeys: ['penalty-case'], effect: false },
  'penalty.close': {
    processKeys: ['penalty-case'],
    effect: true,
    requires: [
      { element: 'Task_LegalReview', groups: ['legal'], equals: { legalDecision: 'approve' }, when: outcome('closed') },
      { element: 'Task_Decide', groups: ['leaders'], equals: { decision: 'penalize' }, after: ['Task_LegalReview'], when: outcome('closed') },
      {
        element: 'Task_Collective',
        groups: ['leaders'],
        equals: { collectiveDecision: 'agree' },
        after: ['Task_Decide'],
        when: (c) => outcome('closed')(c) && c.variables.major === true,
      },
      { element: 'Task_Decide', groups: ['leaders'], equals: { decision: 'no-penalty' }, when: outcome('no-penalty') },
      { element: 'Task_Revise', equals: { action: 'withdraw' }, notStarter: false, when: outcome('withdrawn') },
    ],
    describe: (call, output) => ({ outcome: call.properties.outcome || 'closed', amount: call.variables.amount, decisionNo: call.variables.decisionNo, result: output }),
  },

  // ---- warning-rectification.bpmn (预警纠错督办, issue 18, item 3) ----
  'rectification.open': { processKeys: ['warning-rectification'], effect: true, describe: pick('warningId', 'ruleName') },
  'rectification.yellowCard': { processKeys: ['warning-rectification'], effect: true, describe: pick('warningId') },
  'rectification.redCard': { processKeys: ['warning-rectification'], effect: true, describe: pick('warningId') },
  'rectification.answered': {
    processKeys: ['warning-rectification'],
    effect: true,
    requires: [{ element: 'Task_Answer', notStarter: false }],
    describe: pick('warningId'),
  },
  'rectification.close': {
    processKeys: ['warning-rectification'],
    effect: true,
    requires: [{ element: 'Task_Close', groups: ['supervision'], after: ['Task_Answer'], notStarter: false }],
    describe: pick('warningId', 'closeOutcome'),
  },

  // ---- monitoring-rule-change.bpmn: rule changes need the discipline committee (issue 18, items 2 and 4) ----
  'monitoring.applyRuleChange': {
    processKeys: ['monitoring-rule-change'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['discipline-committee'], equals: { decision: 'approve' }, notVariables: ['requestedBy'] }],
    describe: pick('changeId', 'ruleId', 'requestedBy'),
  },
  // ---- appraisal-scheme-change.bpmn: the scoring scheme changes only with the discipline committee (issue 18, item 7) ----
  'appraisal.applySchemeChange': {
    processKeys: ['appraisal-scheme-change'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['discipline-committee'], equals: { decision: 'approve' }, notVariables: ['requestedBy'] }],
    describe: pick('changeId', 'requestedBy'),
  },
  'appraisal.rejectSchemeChange': {
    processKeys: ['appraisal-scheme-change'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['discipline-committee'], equals: { decision: 'reject' }, notVariables: ['requestedBy'] }],
    describe: pick('changeId', 'requestedBy'),
  },
  'monitoring.rejectRuleChange': {
    processKeys: ['monitoring-rule-change'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['discipline-committee'], equals: { decision: 'reject' }, notVariables: ['requestedBy'] }],
    describe: pick('changeId', 'ruleId', 'requestedBy'),
  },

  // ---- self-built-project.bpmn (Art. 3: 自建工程项目) ----
  'project.register': { processKeys: ['self-built-project'], effect: true, describe: pick('projectId', 'projectName', 'budget', 'fundSource', 'approvalDoc') },
  'project.contract': {
    processKeys: ['self-built-project'],
    effect: true,
    requires: [{ element: 'Task_ContractLegal', groups: ['legal'], equals: { legalDecision: 'approve' }, after: ['Task_Contract'] }],
    describe: pick('lotName', 'procurementMethod', 'vendor', 'contractAmount', 'signedOn'),
  },
  'project.progress': { processKeys: ['self-built-project'], effect: true, describe: pick('reportMonth', 'progressPercent', 'paymentAmount') },
  'project.missedReport': { processKeys: ['self-built-project'], effect: true, describe: pick('lastReportMonth') },
  'project.change': { processKeys: ['self-built-project'], effect: true, describe: pick('changeAmount', 'changeReason') },
  'project.changeDecided': {
    processKeys: ['self-built-project'],
    effect: true,
    requires: [
      { element: 'Task_ChangeApprove', after: ['Task_ChangeOrder'] },
      {
        element: 'Task_ChangeCollective',
        groups: ['leaders'],
        equals: { collectiveDecision: 'approve' },
        after: ['Task_ChangeApprove'],
        when: (c) => c.variables.changeDecision === 'approve' && c.variables.needsCollective === true && c.variables.collectiveDecision === 'approve',
      },
    ],
    describe: pick('changeId', 'changeDecision', 'needsCollective', 'collectiveDecision'),
  },
  'project.accepted': {
    processKeys: ['self-built-project'],
    effect: true,
    requires: [{ element: 'Task_Acceptance', groups: ['engineering'], equals: { acceptanceResult: 'pass' } }],
    describe: pick('acceptedOn'),
  },
  'project.finalAccount': { processKeys: ['self-built-project'], effect: true, describe: pick('settlementAmount', 'finalPayment', 'lateChangeAmount') },
  'project.archive': {
    processKeys: ['self-built-project'],
    effect: true,
    requires: [{ element: 'Task_Audit', groups: ['supervision'], equals: { auditResult: 'pass' }, after: ['Task_FinalAccount'] }],
    describe: pick('archiveNo'),
  },

  // ---- the platform's own procedures (handlers registered by the deployment and cancellation work) ----
  'platform.activateDeployment': {
    processKeys: ['platform-deployment'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders', 'supervision'], equals: { decision: 'approve' }, notVariables: ['proposer'] }],
  },
  'platform.rejectDeployment': {
    processKeys: ['platform-deployment'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders', 'supervision'], equals: { decision: 'reject' }, notVariables: ['proposer'] }],
  },
  'platform.cancelInstance': {
    processKeys: ['platform-cancellation'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders'], equals: { decision: 'approve' }, notVariables: ['requestedBy', 'excludedUsers'] }],
    describe: pick('targetInstanceId', 'targetProcessKey', 'targetBusinessKey', 'requestedBy', 'reason'),
  },
  'platform.rejectCancellation': {
    processKeys: ['platform-cancellation'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders'], equals: { decision: 'reject' }, notVariables: ['requestedBy', 'excludedUsers'] }],
    describe: pick('targetInstanceId', 'targetProcessKey', 'targetBusinessKey', 'requestedBy', 'reason'),
  },
  'auth.approvePasswordReset': {
    processKeys: ['platform-password-reset'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders', 'supervision'], equals: { decision: 'approve' }, notVariables: ['requestedBy', 'userId'] }],
    describe: pick('requestId', 'userId', 'requestedBy', 'reason'),
  },
  'auth.rejectPasswordReset': {
    processKeys: ['platform-password-reset'],
    effect: true,
    requires: [{ element: 'Task_Approval', groups: ['leaders', 'supervision'], equals: { decision: 'reject' }, notVariables: ['requestedBy', 'userId'] }],
    describe: pick('requestId', 'userId', 'requestedBy', 'reason'),
  },
};
