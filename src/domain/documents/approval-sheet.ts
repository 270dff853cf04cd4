import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { attachmentsOf } from '../../store/attachments.ts';
import { getUnit, getUser } from '../../store/org.ts';
import { mayViewInstance } from '../access.ts';
import { caseContentOf, contentFields, opinionsOf, verificationCode } from '../opinions.ts';
import type { Person } from '../org.ts';
import { personalView } from '../personal-data.ts';
import { beijingTime, openPdf } from './pdf.ts';

/**
 * 审批单 as PDF (issue 13, item 10): the same data as the printable page — case number, subject,
 * applicant and unit, the submitted content under its form labels, every step's opinion (handler,
 * unit, decision, comment, time), the attachments, and the verification code over the case's
 * audit rows — on A4 with the CJK font embedded. Personal data is masked exactly as on the
 * case's page for this reader. Read access is the case's: 404 INSTANCE_NOT_FOUND, 403 INSTANCE_FORBIDDEN.
 * Usage: `const { bytes, fileName } = await approvalSheetPdf(db, engine, id, person, client)`.
 */
export async function approvalSheetPdf(
  db: Knex,
  engine: EngineService,
  instanceId: string,
  person: Person,
  client: { ip?: string | null; requestId?: string | null } = {},
): Promise<{ bytes: Buffer; fileName: string; verificationCode: string }> {
  const instance = await engine.getInstance(instanceId);
  if (!instance) throw new NotFoundError(`流程实例 ${instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
  if (!(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
  const verification = await verificationCode(db, instance.id);
  const view = await personalView(db, engine, instance, person, { reveal: false, via: 'instance', ip: client.ip, requestId: client.requestId });
  const [def, content, opinions, attachments, applicant] = await Promise.all([
    engine.definitions.byId(instance.definitionId),
    caseContentOf(db, engine, instance),
    opinionsOf(db, instance.id),
    attachmentsOf(db, instance.id),
    getUser(db, instance.startedBy),
  ]);
  const unit = applicant?.unitId ? await getUnit(db, applicant.unitId) : undefined;
  const processName = def.model.name ?? instance.processKey;
  const pdf = openPdf({ title: `${processName}审批单`, subject: instance.caseNumber ?? instance.id });
  pdf.title(`${processName}审批单`);
  pdf.fields([
    ['流水号', instance.caseNumber ?? instance.id],
    ['事由', instance.subject ?? '—'],
    ['申请人', `${instance.startedByName ?? applicant?.displayName ?? instance.startedBy}${unit ? `（${unit.name}）` : ''}`],
    ['申请时间', beijingTime(instance.startedAt)],
    ['办理状态', STATUS[instance.status] ?? instance.status],
    ...(instance.endedAt ? ([['办结时间', beijingTime(instance.endedAt)]] as Array<[string, string]>) : []),
  ]);
  pdf.heading('申请内容');
  const fields = content ? contentFields(content.schema, view.apply(content.values)) : [];
  if (fields.length) pdf.fields(fields.map((f) => [f.label, f.text || '—']));
  else pdf.paragraph('该事项没有申请表单内容。', { muted: true });
  pdf.heading('审批意见');
  if (opinions.length)
    pdf.table(
      [
        { title: '环节', width: 2.2 },
        { title: '办理人', width: 1.6 },
        { title: '单位', width: 1.8 },
        { title: '结论', width: 1.1 },
        { title: '意见', width: 3.6 },
        { title: '时间', width: 1.9 },
      ],
      opinions.map((o) => [
        o.name ?? o.elementId,
        `${o.byName ?? o.by}${o.onBehalfOf ? `（代 ${o.onBehalfOfName ?? o.onBehalfOf}）` : ''}`,
        o.unitName ?? '—',
        o.decisionLabel ?? '—',
        String(view.apply({ c: o.comment ?? '' }).c ?? ''),
        beijingTime(o.at),
      ]),
    );
  else pdf.paragraph('尚无办理意见。', { muted: true });
  pdf.heading('附件');
  if (attachments.length)
    pdf.table(
      [
        { title: '文件名', width: 4 },
        { title: '大小', width: 1.2, align: 'right' },
        { title: 'SHA-256（前 16 位）', width: 2.4 },
        { title: '上传时间', width: 1.9 },
      ],
      attachments.map((a) => [a.name, sizeText(a.size), a.sha256.slice(0, 16), beijingTime(a.uploadedAt)]),
    );
  else pdf.paragraph('无附件。', { muted: true });
  const generatedAt = beijingTime(engine.clock.now());
  pdf.paragraph(`核验码：${verification.code}（本案审计记录 ${verification.rows} 条，生成于 ${generatedAt}）。监察室可按审计记录重新计算核验。`, { size: 9 });
  await view.finish();
  const bytes = await pdf.finish(`${instance.caseNumber ?? instance.id}　核验码 ${verification.code.slice(0, 16)}…`);
  const fileName = `审批单-${(instance.caseNumber ?? instance.id).replace(/[\\/:*?"<>|\s]/g, '_')}.pdf`;
  return { bytes, fileName, verificationCode: verification.code };
}

const STATUS: Record<string, string> = { running: '办理中', completed: '已办结', cancelled: '已终止' };

function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
