import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { organisationSnapshot } from '../../store/org.ts';
import { certificateValid } from '../org-expressions.ts';

/** Kinds of unit that run powers and name a head and a contact person (Art. 5). */
const RUNNING_KINDS = new Set(['office', 'unit']);

/**
 * The organisation register against Art. 5 (each department and unit names a contact person; its
 * head is accountable) and Art. 3 (law enforcement by certified officers): units without a head or
 * a contact person, and 执法证 that have expired, as report findings.
 * Usage: `art5.push(...(await registerFindings(db, now)))`.
 */
export async function registerFindings(db: Knex, now: number): Promise<Array<{ status: 'ok' | 'attention'; text: string }>> {
  const org = await organisationSnapshot(db);
  const active = new Set(org.people.filter((p) => p.status === 'active').map((p) => p.id));
  const units = org.units.filter((u) => u.active && RUNNING_KINDS.has(u.kind));
  const noHead = units.filter((u) => !u.headUserId || !active.has(u.headUserId)).map((u) => u.name);
  const noContact = units.filter((u) => !u.contactUserId || !active.has(u.contactUserId)).map((u) => u.name);
  const today = beijingDate(now);
  const expired = org.people.filter((p) => p.status === 'active' && p.cert && !certificateValid(p.cert, today));
  return [
    noHead.length || noContact.length
      ? {
          status: 'attention',
          text: [noHead.length ? `${noHead.length} 个单位没有单位负责人：${noHead.join('、')}` : '', noContact.length ? `${noContact.length} 个单位没有联络员：${noContact.join('、')}` : '']
            .filter(Boolean)
            .join('；'),
        }
      : { status: 'ok', text: `${units.length} 个处室、单位均已确定负责人和联络员` },
    ...(expired.length
      ? [{ status: 'attention' as const, text: `${expired.length} 名人员的执法证已过期：${expired.map((p) => `${p.displayName}（${p.cert!.number}，${p.cert!.expires} 到期）`).join('、')}` }]
      : []),
  ];
}
