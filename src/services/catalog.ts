import type { Handler } from '../engine/types.ts';
import { approvalsOf } from '../domain/approvals.ts';
import { applyItemChange, changeFromVariables, checkItemChange, handlingGroupOf } from '../domain/catalog.ts';
import { getItem } from '../store/catalog.ts';

/** Handlers of item-change.bpmn (Art. 8) and the catalog lookup every item procedure starts with. */
export const catalogHandlers: Record<string, Handler> = {
  /** Before review: is the change applicable to the catalog as it is? If not, back to the applicant. */
  'catalog.checkChange': async ({ trx, variables }) => {
    const problems = await checkItemChange(trx, changeFromVariables(variables));
    return problems.length ? { changeValid: false, comment: `变更内容未通过核验：${problems.join('；')}` } : { changeValid: true };
  },

  /** After the vendor confirms: the new catalog version (or retirement), with the approval trail. */
  'catalog.applyChange': async ({ trx, variables, instance, now }) => {
    const res = await applyItemChange(trx, changeFromVariables(variables), {
      instanceId: instance.id,
      by: String(variables.applicant ?? instance.startedBy),
      approvals: await approvalsOf(trx, instance.id),
      now,
    });
    if (!res.ok) return { applied: false, comment: `权力事项目录未能更新：${res.problems.join('；')}` };
    return { applied: true, itemVersion: res.item.version, itemStatus: res.item.status };
  },

  /**
   * First step of an item procedure: the item must be active and bound to this procedure; its
   * name, version and time limits become variables (the start form cannot carry them).
   */
  'catalog.loadItem': async ({ trx, variables, instance }) => {
    const code = String(variables.itemCode ?? '');
    const item = await getItem(trx, code);
    let problem: string | null = null;
    if (!item) problem = `权力事项 ${code} 不在权力事项目录中`;
    else if (item.status !== 'active') problem = `权力事项“${item.name}”已取消，不能再办理`;
    else if (item.processKey !== instance.processKey) problem = `权力事项“${item.name}”不按本流程办理`;
    if (problem || !item) return { itemValid: false, itemProblem: problem };
    return {
      itemValid: true,
      itemName: item.name,
      itemVersion: item.version,
      itemCategory: item.category,
      itemUnitId: item.unitId,
      statutoryDays: item.statutoryDays,
      promisedDays: item.promisedDays,
      handlingGroup: handlingGroupOf(item.unitId),
    };
  },
};
