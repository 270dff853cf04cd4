import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/** Administrative penalty cases (penalty-case.bpmn). */

export type PenaltyStatus = 'registered' | 'filed' | 'decided' | 'closed' | 'not-filed' | 'withdrawn' | 'no-penalty' | 'refused';

export interface PenaltyCase {
  id: string;
  instanceId: string;
  itemCode: string;
  itemVersion: number;
  partyType: 'person' | 'organisation';
  partyName: string;
  facts: string;
  status: PenaltyStatus;
  filingNo: string | null;
  tier: string | null;
  /** Fine in CNY (yuan, two decimals). */
  amount: number | null;
  major: boolean | null;
  decisionNo: string | null;
  people: Record<string, string>;
  registeredAt: number;
  decidedAt: number | null;
  closedAt: number | null;
}

const toCase = (r: any): PenaltyCase => ({
  id: r.id,
  instanceId: r.instance_id,
  itemCode: r.item_code,
  itemVersion: Number(r.item_version),
  partyType: r.party_type,
  partyName: r.party_name,
  facts: r.facts,
  status: r.status,
  filingNo: r.filing_no,
  tier: r.tier,
  amount: r.amount_fen === null ? null : Number(r.amount_fen) / 100,
  major: r.major === null ? null : Boolean(r.major),
  decisionNo: r.decision_no,
  people: fromJson(r.people, {}),
  registeredAt: Number(r.registered_at),
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
});

/** Creates the case row of an instance unless a retried handler already did. */
export async function insertPenaltyCase(trx: Knex | Knex.Transaction, c: PenaltyCase): Promise<void> {
  if (await trx('penalty_cases').where({ instance_id: c.instanceId }).first()) return;
  await trx('penalty_cases').insert({
    id: c.id,
    instance_id: c.instanceId,
    item_code: c.itemCode,
    item_version: c.itemVersion,
    party_type: c.partyType,
    party_name: c.partyName,
    facts: c.facts,
    status: c.status,
    filing_no: c.filingNo,
    tier: c.tier,
    amount_fen: c.amount === null ? null : Math.round(c.amount * 100),
    major: c.major,
    decision_no: c.decisionNo,
    people: toJson(c.people),
    registered_at: c.registeredAt,
    decided_at: c.decidedAt,
    closed_at: c.closedAt,
  });
}

export async function updatePenaltyCase(
  trx: Knex | Knex.Transaction,
  instanceId: string,
  patch: Partial<Pick<PenaltyCase, 'status' | 'filingNo' | 'tier' | 'amount' | 'major' | 'decisionNo' | 'people' | 'decidedAt' | 'closedAt' | 'partyName' | 'facts' | 'partyType'>>,
): Promise<void> {
  const row: Record<string, unknown> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.filingNo !== undefined) row.filing_no = patch.filingNo;
  if (patch.tier !== undefined) row.tier = patch.tier;
  if (patch.amount !== undefined) row.amount_fen = patch.amount === null ? null : Math.round(patch.amount * 100);
  if (patch.major !== undefined) row.major = patch.major;
  if (patch.decisionNo !== undefined) row.decision_no = patch.decisionNo;
  if (patch.people !== undefined) row.people = toJson(patch.people);
  if (patch.decidedAt !== undefined) row.decided_at = patch.decidedAt;
  if (patch.closedAt !== undefined) row.closed_at = patch.closedAt;
  if (patch.partyName !== undefined) row.party_name = patch.partyName;
  if (patch.partyType !== undefined) row.party_type = patch.partyType;
  if (patch.facts !== undefined) row.facts = patch.facts;
  if (Object.keys(row).length) await trx('penalty_cases').where({ instance_id: instanceId }).update(row);
}

export async function penaltyOfInstance(db: Knex | Knex.Transaction, instanceId: string): Promise<PenaltyCase | undefined> {
  const r = await db('penalty_cases').where({ instance_id: instanceId }).first();
  return r && toCase(r);
}

export async function listPenaltyCases(db: Knex, f: { itemCode?: string; status?: string } = {}): Promise<PenaltyCase[]> {
  const q = db('penalty_cases').orderBy('registered_at', 'desc').orderBy('id');
  if (f.itemCode) q.where('item_code', f.itemCode);
  if (f.status) q.where('status', f.status);
  return (await q).map(toCase);
}
