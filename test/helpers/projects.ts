import { DEFAULT_ATTACHMENT_LIMITS, saveUpload } from '../../src/domain/attachments.ts';
import { listProjectWarnings } from '../../src/store/projects.ts';
import type { World } from './procedures.ts';

/** Steps of self-built-project.bpmn for procedure stories: each completes one stage with valid data. */
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Uploads a PDF as a user and answers the filepicker value for it. */
export async function pdfOf(w: World, userId: string, name: string) {
  const a = await saveUpload(w.db, { name, bytes: PDF }, { by: await w.as(userId), now: w.clock.now(), limits: DEFAULT_ATTACHMENT_LIMITS, audit: async () => {} });
  return [{ id: a.id, name: a.name, size: a.size, sha256: a.sha256 }];
}

export const initiation = (extra: Record<string, unknown> = {}) => ({
  projectId: 'new',
  projectName: '人防疏散基地配套设施建设',
  budget: 900000,
  fundSource: '市级财政专项资金',
  approvalDoc: '常民防〔2026〕41号',
  location: '武进区人防疏散基地',
  plannedStart: '2026-12-10',
  ...extra,
});

/** 立项 → 预算审核 approved: the instance waits at 采购方式. */
export async function initiated(w: World, by: string, extra: Record<string, unknown> = {}) {
  const { instance } = await w.start('self-built-project', by, initiation(extra));
  await w.complete(instance.id, 'Task_BudgetReview', 'engineer-head', { budgetDecision: 'approve', budgetOpinion: '预算编制依据充分' });
  return instance.id;
}

export interface Lot {
  lotName: string;
  lotBudget: number;
  method: 'public-tender' | 'comparison' | 'inquiry';
  vendor: string;
  amount: number;
  signedOn: string;
  moreLots?: boolean;
}

/** 采购方式 → 招标/比选记录 → 合同 → 法制审核 approved, for one lot. */
export async function contracted(w: World, id: string, by: string, lot: Lot) {
  await w.complete(id, 'Task_Procurement', by, { lotName: lot.lotName, lotBudget: lot.lotBudget, procurementMethod: lot.method });
  await w.complete(id, 'Task_Tender', by, {
    bidders: `${lot.vendor}\n常州安防工程有限公司\n江苏人防设备有限公司`,
    winner: lot.vendor,
    bidAmount: lot.amount,
    resultDate: lot.signedOn,
    tenderFiles: await pdfOf(w, by, `${lot.lotName}比选记录.pdf`),
  });
  await w.complete(id, 'Task_Contract', by, { contractNo: `HT-${lot.signedOn}`, vendor: lot.vendor, contractAmount: lot.amount, signedOn: lot.signedOn, contractFiles: await pdfOf(w, by, '合同.pdf'), moreLots: lot.moreLots ?? false });
  await w.complete(id, 'Task_ContractLegal', 'legal', { legalDecision: 'approve', legalOpinion: '合同条款合法' });
}

export const report = (month: string, percent: number, payment: number, next: 'continue' | 'change' | 'completed' = 'continue') => ({
  reportMonth: month,
  progressPercent: percent,
  progressNote: `${month} 完成主体施工`,
  paymentAmount: payment,
  constructionStatus: next,
});

export async function warningsOf(w: World, instanceId: string) {
  return listProjectWarnings(w.db, { instanceId });
}
