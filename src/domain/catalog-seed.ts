import type { Knex } from 'knex';
import { countItems, saveItemVersion, type PowerItem } from '../store/catalog.ts';

/**
 * The civil-defence items the platform starts with (Art. 3: powers as in the catalog approved by
 * the government legal office). Time limits are in working days; the penalty procedure's
 * statutory 90 days (行政处罚法 第六十条, calendar days) are entered as 60 working days.
 */
type Seed = Omit<PowerItem, 'status' | 'version' | 'createdAt' | 'updatedAt'>;

const RENFANG = '《中华人民共和国人民防空法》';

export const SEED_ITEMS: Seed[] = [
  {
    code: 'XK-0001',
    name: '人防工程易地建设审批',
    category: '行政许可',
    unitId: 'engineering-office',
    legalBasis: `${RENFANG}第二十二条；《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；《江苏省实施〈中华人民共和国人民防空法〉办法》`,
    statutoryDays: 20,
    promisedDays: 10,
    discretion: null,
    processKey: 'power-case',
  },
  {
    code: 'XK-0002',
    name: '拆除人民防空工程审批',
    category: '行政许可',
    unitId: 'engineering-office',
    legalBasis: `${RENFANG}第二十八条：任何组织或者个人不得擅自拆除人民防空工程；确需拆除的，必须报经人民防空主管部门批准，并由拆除单位负责补建或者补偿`,
    statutoryDays: 20,
    promisedDays: 10,
    discretion: null,
    processKey: 'power-case',
  },
  {
    code: 'QT-0001',
    name: '人防工程竣工验收备案',
    category: '其他',
    unitId: 'engineering-office',
    legalBasis: `${RENFANG}第二十二条；《建设工程质量管理条例》第四十九条`,
    statutoryDays: 15,
    promisedDays: 5,
    discretion: null,
    processKey: 'power-case',
  },
  {
    code: 'ZS-0001',
    name: '防空地下室易地建设费征收',
    category: '行政征收',
    unitId: 'engineering-office',
    legalBasis: `${RENFANG}第二十二条；《关于规范防空地下室易地建设收费的规定》（计价格〔2000〕474号）`,
    statutoryDays: 20,
    promisedDays: 5,
    discretion: null,
    processKey: 'power-case',
  },
  {
    code: 'JC-0001',
    name: '人民防空工程维护管理监督检查',
    category: '行政检查',
    unitId: 'maintenance-office',
    legalBasis: `${RENFANG}第二十五条：人民防空主管部门对人民防空工程的维护管理进行监督检查`,
    statutoryDays: 30,
    promisedDays: 20,
    discretion: null,
    processKey: 'power-case',
  },
  {
    code: 'CF-0001',
    name: '对擅自拆除人民防空工程的行政处罚',
    category: '行政处罚',
    unitId: 'inspection-brigade',
    legalBasis: `${RENFANG}第二十八条、第四十九条：给予警告，责令限期改正，可以对个人并处五千元以下的罚款、对单位并处一万元至五万元的罚款`,
    statutoryDays: 60,
    promisedDays: 45,
    discretion: {
      majorAmount: 30000,
      tiers: [
        { code: 'person-light', name: '个人·轻微', partyType: 'person', condition: '拆除防护设备设施，限期内改正或补建', min: 0, max: 1000 },
        { code: 'person-general', name: '个人·一般', partyType: 'person', condition: '逾期未改正，未造成严重后果', min: 1000, max: 3000 },
        { code: 'person-serious', name: '个人·严重', partyType: 'person', condition: '拒不改正或造成严重危害', min: 3000, max: 5000 },
        { code: 'org-light', name: '单位·轻微', partyType: 'organisation', condition: '拆除面积100平方米以下，限期内补建', min: 10000, max: 20000 },
        { code: 'org-general', name: '单位·一般', partyType: 'organisation', condition: '拆除面积100至500平方米，或逾期未补建', min: 20000, max: 35000 },
        { code: 'org-serious', name: '单位·严重', partyType: 'organisation', condition: '拆除面积500平方米以上、拒不补建或造成严重危害', min: 35000, max: 50000 },
      ],
    },
    processKey: 'penalty-case',
  },
  {
    code: 'CF-0002',
    name: '对城市新建民用建筑不修建战时可用于防空的地下室的行政处罚',
    category: '行政处罚',
    unitId: 'inspection-brigade',
    legalBasis: `${RENFANG}第四十八条：给予警告，责令限期修建，可以并处十万元以下的罚款`,
    statutoryDays: 60,
    promisedDays: 45,
    discretion: {
      majorAmount: 50000,
      tiers: [
        { code: 'org-light', name: '轻微', partyType: 'organisation', condition: '应建面积1000平方米以下，限期内修建', min: 0, max: 30000 },
        { code: 'org-general', name: '一般', partyType: 'organisation', condition: '应建面积1000至5000平方米，或逾期未修建', min: 30000, max: 70000 },
        { code: 'org-serious', name: '严重', partyType: 'organisation', condition: '应建面积5000平方米以上，或拒不修建', min: 70000, max: 100000 },
      ],
    },
    processKey: 'penalty-case',
  },
  {
    code: 'CF-0003',
    name: '对向人民防空工程内排入废水、废气或者倾倒废弃物的行政处罚',
    category: '行政处罚',
    unitId: 'inspection-brigade',
    legalBasis: `${RENFANG}第四十九条第（七）项`,
    statutoryDays: 60,
    promisedDays: 45,
    discretion: {
      majorAmount: 30000,
      tiers: [
        { code: 'person-light', name: '个人·一般', partyType: 'person', condition: '首次违法，及时清除', min: 0, max: 2000 },
        { code: 'person-serious', name: '个人·严重', partyType: 'person', condition: '多次违法或拒不清除', min: 2000, max: 5000 },
        { code: 'org-light', name: '单位·一般', partyType: 'organisation', condition: '首次违法，及时清除', min: 10000, max: 30000 },
        { code: 'org-serious', name: '单位·严重', partyType: 'organisation', condition: '多次违法、拒不清除或影响工程使用效能', min: 30000, max: 50000 },
      ],
    },
    processKey: 'penalty-case',
  },
  {
    code: 'XK-0003',
    name: '人民防空工程平时使用审批',
    category: '行政许可',
    unitId: 'maintenance-office',
    legalBasis: `${RENFANG}第二十六条`,
    statutoryDays: 20,
    promisedDays: 10,
    discretion: null,
    processKey: 'power-case',
  },
];

/** Items seeded as already retired, to show that history is kept (demo data). */
const RETIRED: Record<string, string> = {
  'XK-0003': '因行政职权调整，该事项已在“三合一”阳光政务平台取消，平台同步取消（演示数据）',
};

/**
 * Seeds the catalog on an empty database (each item as version 1, retired ones with a second
 * version). Returns how many items were written.
 * Usage: `await seedCatalog(db, clock.now())`.
 */
export async function seedCatalog(db: Knex, now: number): Promise<number> {
  if ((await countItems(db)) > 0) return 0;
  await db.transaction(async (trx) => {
    for (const s of SEED_ITEMS) {
      const item: PowerItem = { ...s, status: 'active', version: 1, createdAt: now, updatedAt: now };
      await saveItemVersion(trx, item, null, {
        changeType: 'create',
        legalGround: 'seed',
        reason: '平台初始化：依据政府法制办审定的行政权力职权目录录入',
        sunshineRef: null,
        changedBy: 'system',
        approvals: [],
        instanceId: null,
        changedAt: now,
      });
      if (RETIRED[s.code]) {
        await saveItemVersion(trx, { ...item, status: 'retired', version: 2 }, 1, {
          changeType: 'retire',
          legalGround: 'power-adjusted',
          reason: RETIRED[s.code],
          sunshineRef: null,
          changedBy: 'system',
          approvals: [],
          instanceId: null,
          changedAt: now,
        });
      }
    }
  });
  return SEED_ITEMS.length;
}
