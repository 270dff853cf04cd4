import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { cancellationActsIn, deploymentsIn, dismissalsIn, passwordsSetByOthersIn } from '../../store/compliance-report.ts';

/**
 * Compliance findings read from what happened — the audit trail, the engine's tasks and the
 * deployments — rather than from the procedures' own records (issue 18, items 4 and 5): a bypass
 * shows as attention with the text "不符合：…" and its evidence, never as ok.
 */

export interface AuditFinding {
  status: 'ok' | 'attention' | 'info';
  text: string;
}

export interface OversightOptions {
  /** Whether a case of this process may only be cancelled with a second person's approval. */
  cancelNeedsApproval?(processKey: string): Promise<boolean>;
}

/**
 * Oversight of the overseers (issue 18, item 4), from the audit trail and the engine's tasks:
 * every cancel of a case and every dismissed accountability case in the period (nothing when there
 * were none), and as
 * attention (不符合) any that one person did alone where a second person was required.
 * Usage: `...(await oversightFindings(db, from, to, { cancelNeedsApproval }))`.
 */
export async function oversightFindings(db: Knex, from: number, to: number, opts: OversightOptions): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const acts = await cancellationActsIn(db, from, to);
  const direct = acts.filter((a) => a.action === 'process.cancel');
  const lone: typeof direct = [];
  for (const a of direct) if (a.processKey && (await opts.cancelNeedsApproval?.(a.processKey))) lone.push(a);
  const approved = acts.filter((a) => a.action === 'process.cancel-approved').length;
  const requested = acts.filter((a) => a.action === 'process.cancel-requested').length;
  if (acts.length) findings.push({
    status: lone.length ? 'attention' : 'ok',
    text: lone.length
      ? `不符合：${lone.length} 件须经第二人审批的案件由一人直接撤销：${lone.map((a) => `${a.actor} 于 ${beijingDate(a.at)} 撤销 ${a.processKey} ${a.businessKey ?? a.instanceId}（${reasonOf(a.after)}）`).join('；')}`
      : `撤销案件：申请 ${requested} 件，经审批撤销 ${approved} 件，直接撤销 ${direct.length} 件（均为无须审批的流程）`,
  });
  const dismissals = await dismissalsIn(db, from, to);
  const unreviewed = dismissals.filter((d) => !d.reviewedBy);
  if (dismissals.length) findings.push({
    status: unreviewed.length ? 'attention' : 'ok',
    text: unreviewed.length
      ? `不符合：${unreviewed.length} 起追责案件未经局纪委审核即不予追责：${unreviewed.map((d) => `实例 ${d.instanceId}（${beijingDate(d.closedAt)}）`).join('；')}`
      : `不予追责 ${dismissals.length} 起，均经局纪委审核同意${dismissals.length ? `（${[...new Set(dismissals.map((d) => d.reviewedBy))].join('、')}）` : ''}`,
  });
  return findings;
}

function reasonOf(after: string | null): string {
  try {
    const v = JSON.parse(after ?? '{}');
    return typeof v.reason === 'string' && v.reason ? `理由：${v.reason}` : '未写理由';
  } catch {
    return '未写理由';
  }
}

/**
 * Art. 8 from what happened (issue 18, item 5): every deployment of the period against the
 * proposal a second person approved; one without (other than the platform's own start-up install)
 * is 不符合 with who, when and which process versions.
 * Usage: `...(await deploymentFindings(db, from, to))`.
 */
export async function deploymentFindings(db: Knex, from: number, to: number): Promise<AuditFinding[]> {
  const deployments = await deploymentsIn(db, from, to);
  if (!deployments.length) return [];
  const bypass = deployments.filter((d) => !d.proposalId && d.deployedBy !== 'system');
  const what = (files: string) => {
    try {
      const items = (JSON.parse(files) as Array<{ kind?: string; key?: string; version?: number; reused?: boolean }>).filter((f) => f.kind === 'process' && !f.reused);
      return items.map((f) => `${f.key} 第 ${f.version} 版`).join('、') || '表单';
    } catch {
      return '（文件清单不可读）';
    }
  };
  if (bypass.length) {
    return [{ status: 'attention', text: `不符合：${bypass.length} 次流程部署未经第二人审批：${bypass.map((d) => `${d.deployedBy} 于 ${beijingDate(d.deployedAt)} 部署 ${what(d.files)}（部署 ${d.id}）`).join('；')}` }];
  }
  return [{ status: 'ok', text: `本期流程部署 ${deployments.length} 次，均经第二人审批（或为平台启动时安装）` }];
}

/**
 * Art. 11 from the audit trail: a password set by someone other than its owner, on an account
 * that had signed in before, without an approved reset used in the same act, is a possible
 * account takeover — 不符合 with who, whose and when.
 * Usage: `...(await passwordFindings(db, from, to))`.
 */
export async function passwordFindings(db: Knex, from: number, to: number): Promise<AuditFinding[]> {
  const sets = await passwordsSetByOthersIn(db, from, to);
  if (!sets.length) return [];
  const takeovers = sets.filter((p) => !p.approvedReset && p.signedInBefore);
  if (takeovers.length) {
    return [{ status: 'attention', text: `不符合：${takeovers.length} 次他人修改已使用账号的密码未经审批（疑似接管账号）：${takeovers.map((p) => `${p.actor} 于 ${beijingDate(p.at)} 修改 ${p.userId} 的密码`).join('；')}` }];
  }
  return [{ status: 'ok', text: `本期他人设置密码 ${sets.length} 次，均为经审批的重置或新账号初始密码` }];
}
