import { randomUUID } from 'node:crypto';
import type { Handler } from '../engine/types.ts';
import { completerOf } from '../domain/approvals.ts';
import { DEVICES, parseFaultTime, sameDayCheck } from '../domain/faults.ts';
import { closeFaultReport, faultOfInstance, saveFaultReport } from '../store/faults.ts';
import { getUser } from '../store/org.ts';

/** Handlers of fault-report.bpmn (Art. 10). */
export const faultHandlers: Record<string, Handler> = {
  /** Registers the report and checks, in Beijing time, that it was made on the day of the fault. */
  'fault.register': async ({ trx, variables, instance }) => {
    const reporter = String(variables.reporter ?? instance.startedBy);
    const check = sameDayCheck(parseFaultTime(variables.occurredAt), instance.startedAt);
    if (!check.timeValid) return { timeValid: false };
    const existing = await faultOfInstance(trx, instance.id);
    const user = await getUser(trx, reporter);
    await saveFaultReport(trx, {
      id: existing?.id ?? randomUUID(),
      instanceId: instance.id,
      reporter,
      unitId: user?.unitId ?? null,
      device: String(variables.device),
      deviceDetail: [variables.deviceOther, variables.assetNo].filter((x) => typeof x === 'string' && x).join(' ') || null,
      description: String(variables.description ?? ''),
      occurredAt: parseFaultTime(variables.occurredAt),
      reportedAt: instance.startedAt,
      sameDay: check.sameDay,
      responsibility: check.responsibility,
      status: 'reported',
      repairNote: null,
      repairedBy: null,
      affectedOperation: null,
      accountability: null,
      closedAt: null,
    });
    return { timeValid: true, sameDay: check.sameDay, lateReport: !check.sameDay, responsibility: check.responsibility };
  },

  /**
   * Closes the report. A late report that the information centre found to have affected online
   * operation is the reporter's responsibility: it opens an accountability review (Art. 13 (5)).
   */
  'fault.close': async ({ trx, variables, instance, now, sendMessage }) => {
    const fault = await faultOfInstance(trx, instance.id);
    const late = variables.lateReport === true;
    const affected = late && variables.affectedOperation === true;
    await closeFaultReport(trx, instance.id, {
      repairNote: String(variables.repairNote ?? ''),
      repairedBy: await completerOf(trx, instance.id, 'Task_Repair'),
      affectedOperation: affected,
      accountability: affected ? 'opened' : 'none',
      closedAt: now,
    });
    if (affected) {
      const reporter = String(variables.reporter ?? instance.startedBy);
      await sendMessage('accountability-open', {
        businessKey: `FAULT-${fault?.id ?? instance.id}`,
        variables: {
          category: 5,
          subjectKind: 'person',
          subjectUserId: reporter,
          facts: `${DEVICES[String(variables.device)] ?? String(variables.device)}故障未在当天报修，影响了网上正常运行（第十条）。${String(variables.responsibility ?? '')}。维修记录：${String(variables.repairNote ?? '')}`,
          source: 'fault-report',
          sourceRef: fault?.id ?? instance.id,
        },
      });
    }
    return { accountabilityOpened: affected };
  },
};
