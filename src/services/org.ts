import type { Handler } from '../engine/types.ts';
import { completerOf } from '../domain/approvals.ts';
import { applyOrgChanges, changesFromVariables, describeOrgChanges, orgChangeProblems, unitHeadFor } from '../domain/org-changes.ts';

const ISSUERS: Record<string, string> = {
  'city-party': '中共常州市委',
  'city-government': '常州市人民政府',
  'bureau-party': '中共常州市民防局党委',
  bureau: '常州市民防局',
};

/** Handlers of user-role-change.bpmn (Art. 9) and the unit-head lookup approvals use. */
export const orgHandlers: Record<string, Handler> = {
  'org.checkChanges': async ({ trx, variables }) => {
    const changes = changesFromVariables(variables);
    const problems = await orgChangeProblems(trx, changes);
    if (problems.length) return { changesValid: false, comment: `人员变更名单未通过核验：${problems.join('；')}` };
    return { changesValid: true, changesSummary: await describeOrgChanges(trx, changes) };
  },

  /** After the vendor confirms: users, units and roles change in this step's transaction. */
  'org.applyChanges': async ({ trx, variables, instance, now, authority }) => {
    const reason =
      variables.branch === 'leader'
        ? `局领导变更，依据${ISSUERS[String(variables.docIssuer)] ?? ''}文件 ${String(variables.docNumber ?? '')}（${String(variables.docDate ?? '')}）`
        : `处室、单位变更：${String(variables.reason ?? '')}`;
    const by = (await completerOf(trx, instance.id, 'Task_VendorApply')) ?? 'system';
    const res = await applyOrgChanges(trx, changesFromVariables(variables), {
      instanceId: instance.id,
      reason: `${reason}（申请人 ${String(variables.applicant ?? instance.startedBy)}）`,
      by,
      now,
      requestedBy: authority?.requestedBy ?? instance.startedBy,
      approvedBy: authority?.approvals ?? null,
    });
    return res.ok ? { applied: true } : { applied: false, comment: `用户及权限未能调整：${res.problems.join('；')}` };
  },

  /**
   * Sets `unitHead` (user ids) and `unitHeadGroup` (group ids) for a task assigned to "the head of
   * the applicant's department". The variable naming the person is the task property
   * `userVariable` (default `applicant`).
   */
  'org.resolveUnitHead': async ({ trx, variables, properties, instance }) => {
    const who = String(variables[properties.userVariable || 'applicant'] ?? instance.startedBy);
    const head = await unitHeadFor(trx, who);
    return { unitHead: head.users.join(','), unitHeadGroup: head.groups.join(','), applicantUnitId: head.unitId };
  },
};
