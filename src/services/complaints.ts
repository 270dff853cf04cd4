import type { Handler } from '../engine/types.ts';
import { completerOf } from '../domain/approvals.ts';
import { complaintOfInstance, concludeComplaint, type ComplaintFinding } from '../store/complaints.ts';

const FINDINGS: ComplaintFinding[] = ['unfounded', 'founded', 'accountability'];

/** Handlers of complaint-handling.bpmn (投诉举报, issue 18 item 6). */
export const complaintHandlers: Record<string, Handler> = {
  /**
   * Records supervision's finding and answer on the complaint (the reporter sees them by receipt);
   * a founded complaint that calls for accountability opens an accountability review (Art. 13 (5)),
   * against the named person or, without one, the unit complained about.
   */
  'complaint.conclude': async ({ trx, variables, instance, now, sendMessage }) => {
    const complaint = await complaintOfInstance(trx, instance.id);
    if (!complaint) throw new Error('投诉举报未登记');
    const finding = FINDINGS.includes(variables.finding as ComplaintFinding) ? (variables.finding as ComplaintFinding) : 'unfounded';
    const outcome = String(variables.outcome ?? '').trim();
    await concludeComplaint(trx, instance.id, { finding, outcome, concludedBy: await completerOf(trx, instance.id, 'Task_Verify'), concludedAt: now });
    const userId = typeof variables.subjectUserId === 'string' && variables.subjectUserId ? variables.subjectUserId : null;
    const accountable = finding === 'accountability' && (userId || complaint.unitId);
    if (accountable) {
      await sendMessage('accountability-open', {
        businessKey: `COMPLAINT-${complaint.receipt}`,
        variables: {
          category: 5,
          subjectKind: userId ? 'person' : 'unit',
          ...(userId ? { subjectUserId: userId } : { subjectUnitId: complaint.unitId }),
          facts: `投诉举报（受理编号 ${complaint.receipt}）经核查属实：${complaint.subject}。核查意见：${outcome}`,
          source: 'complaint',
          sourceRef: complaint.id,
        },
      });
    }
    return { accountabilityOpened: Boolean(accountable) };
  },
};
