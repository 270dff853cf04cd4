import type { Knex } from 'knex';
import { countRecords, insertProject } from '../store/records.ts';
import { seedCatalog } from './catalog-seed.ts';
import { createPowerRecord, createProject, nextProjectId, ONLINE_THRESHOLD_CNY } from './records.ts';

/**
 * Demo data for the procedures: the power-item catalog and some business records, entered by the
 * demo users of demo-org.ts, so that the deletion procedure has something to delete.
 * Only on an empty database; `npm start` calls it when DEMO is on.
 * Usage: `await seedDemoData(db, clock.now())`.
 */
export async function seedDemoData(db: Knex, now: number): Promise<{ items: number; records: number }> {
  const items = await seedCatalog(db, now);
  if ((await countRecords(db)) > 0) return { items, records: 0 };
  let records = 0;
  await db.transaction(async (trx) => {
    const rec = async (by: string, r: Parameters<typeof createPowerRecord>[1]) => {
      await createPowerRecord(trx, r, { by, now });
      records++;
    };
    // The projects of 300,000 CNY or more were in the paper register before the platform went live
    // and never run online: the compliance report flags them until each is put online through the
    // self-built-project procedure (which picks them at 立项). Nothing else enters such a project.
    const proj = async (by: string, p: Parameters<typeof createProject>[1]) => {
      if (p.investment < ONLINE_THRESHOLD_CNY) await createProject(trx, p, { by, now });
      else {
        const row = { location: null, plannedStart: null, stage: 'planned' as const, note: null, ...p, id: await nextProjectId(trx, now), onlineRequired: true, instanceId: null, enteredBy: by, enteredAt: now };
        await insertProject(trx, row);
      }
      records++;
    };
    await rec('staff', {
      itemCode: 'CF-0001',
      unitId: 'inspection-brigade',
      caseNo: '常民防罚决字〔2026〕3号',
      partyName: '常州某置业有限公司',
      summary: '擅自拆除地下车库人防工程防护密闭门4樘，拆除面积约260平方米',
      result: '警告，责令限期补建，罚款25000元',
      handledOn: '2026-09-15',
    });
    await rec('staff', {
      itemCode: 'CF-0003',
      unitId: 'inspection-brigade',
      caseNo: '常民防罚决字〔2026〕5号',
      partyName: '王某',
      summary: '向公用人防工程内倾倒装修垃圾约3立方米',
      result: '警告，罚款1500元',
      handledOn: '2026-10-09',
    });
    await rec('engineer', {
      itemCode: 'XK-0001',
      unitId: 'engineering-office',
      caseNo: '常民防审〔2026〕21号',
      partyName: '常州新城房地产开发有限公司',
      summary: '天宁区青龙地块住宅项目因地质条件不宜修建防空地下室，申请易地建设',
      result: '准予易地建设',
      handledOn: '2026-10-20',
    });
    await rec('engineer', {
      itemCode: 'QT-0001',
      unitId: 'engineering-office',
      caseNo: '常民防备〔2026〕47号',
      partyName: '常州市钟楼区教育局',
      summary: '钟楼实验小学新校区防空地下室（5200平方米）竣工验收备案',
      result: '予以备案',
      handledOn: '2026-11-03',
    });
    await rec('maint', {
      itemCode: 'JC-0001',
      unitId: 'maintenance-office',
      caseNo: 'JC-2026-Q3-012',
      partyName: '常州市新北区万达广场物业管理有限公司',
      summary: '第三季度公用人防工程维护管理检查：密闭门开关灵活，通风设备维护记录完整',
      result: '检查合格',
      handledOn: '2026-09-28',
    });
    await proj('engineer', {
      name: '指挥中心地下人防工程防护设备更新改造',
      unitId: 'engineering-office',
      investment: 680000,
      location: '常州市民防局指挥中心',
      plannedStart: '2026-12-01',
      stage: 'planned',
      note: '一次性投资30万元以上，按第三条实时上网运行',
    });
    await proj('engineer', {
      name: '天宁片区防空警报器维护更新',
      unitId: 'engineering-office',
      investment: 260000,
      location: '天宁区',
      plannedStart: '2026-11-15',
      stage: 'building',
    });
    await proj('invest', {
      name: '民防宣传教育馆展陈提升工程',
      unitId: 'investment-company',
      investment: 1250000,
      location: '常州市民防宣传教育馆',
      plannedStart: '2027-03-01',
      stage: 'planned',
    });
    await proj('itc', {
      name: '机关办公网络安全设备采购',
      unitId: 'info-centre',
      investment: 180000,
      stage: 'completed',
    });
  });
  return { items, records };
}
