import type { FormDataProvider, Handler } from '../engine/types.ts';
import { approvalsOf, completerOf } from '../domain/approvals.ts';
import { beijingDay } from '../domain/faults.ts';
import { archiveRecords, createPowerRecord, deletableRecordsOf, deletionProblems, describeTargets, targetsFromVariables } from '../domain/records.ts';
import { getItem } from '../store/catalog.ts';

/** Handlers of data-deletion.bpmn (Art. 7) and the power-operation record a finished case leaves. */
export const recordHandlers: Record<string, Handler> = {
  'records.checkDeletion': async ({ trx, variables, instance }) => {
    const targets = targetsFromVariables(variables);
    const problems = await deletionProblems(trx, String(variables.applicant ?? instance.startedBy), targets);
    if (problems.length) return { deletionValid: false, comment: `拟删除的数据未通过核验：${problems.join('；')}` };
    return { deletionValid: true, recordsSummary: await describeTargets(trx, targets) };
  },

  /** The supervision officer confirmed: the records move to the archive with request and approvers. */
  'records.archiveDeletion': async ({ trx, variables, instance, now }) => {
    const res = await archiveRecords(trx, {
      instanceId: instance.id,
      applicant: String(variables.applicant ?? instance.startedBy),
      content: String(variables.content ?? ''),
      reason: String(variables.reason ?? ''),
      targets: targetsFromVariables(variables),
      approvals: await approvalsOf(trx, instance.id, ['Task_HeadApproval', 'Task_Filing', 'Task_Delete']),
      deletedBy: (await completerOf(trx, instance.id, 'Task_Delete')) ?? 'system',
      now,
    });
    if (!res.ok) return { deleted: false, comment: `未能删除：${res.problems.join('；')}` };
    return { deleted: true, archiveIds: res.entries.map((e) => e.id) };
  },

  /** A finished power-case becomes a power-operation record (权力运行记录) of the item's unit. */
  'records.recordCase': async ({ trx, variables, instance, now }) => {
    const item = await getItem(trx, String(variables.itemCode));
    const granted = variables.grant === 'yes';
    const record = await createPowerRecord(
      trx,
      {
        itemCode: String(variables.itemCode),
        unitId: item?.unitId ?? String(variables.itemUnitId),
        caseNo: instance.businessKey,
        partyName: String(variables.partyName ?? ''),
        summary: `${String(variables.projectName ?? '')}：${String(variables.applicationSummary ?? '')}`,
        result: `${granted ? '准予' : '不予'}（${String(variables.documentNo ?? '')}）`,
        handledOn: beijingDay(now),
        instanceId: instance.id,
      },
      { by: String(variables.clerk ?? instance.startedBy), now },
    );
    return { recordId: record.id };
  },
};

/** The deletion forms offer the applicant's own records (`valuesKey: "myRecords"`), nothing else. */
const myRecords: FormDataProvider = async ({ db, actor }) => ({ myRecords: await deletableRecordsOf(db, actor.id) });

export const recordForms: Record<string, FormDataProvider> = {
  'data-deletion-apply': myRecords,
  'data-deletion-revise': myRecords,
};
