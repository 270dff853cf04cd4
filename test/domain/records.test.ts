import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { seedCatalog } from '../../src/domain/catalog-seed.ts';
import { createPowerRecord, createProject, projectsNotOnline } from '../../src/domain/records.ts';
import { seedOrganisation } from '../../src/domain/org.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { expectError } from '../helpers/expect.ts';
import { root, START } from '../helpers/procedures.ts';

describe('domain: business records staff enter', () => {
  let t: TestDatabase;
  before(async () => {
    t = await freshDatabase();
    await seedOrganisation(t.db, START, false);
    await seedCatalog(t.db, START);
  });
  after(async () => {
    await t.drop();
  });

  it('numbers power-operation records per year and refuses bad ones per field', async () => {
    const a = await createPowerRecord(t.db, { itemCode: 'XK-0002', unitId: 'engineering-office', partyName: '某公司', summary: '拆除审批', handledOn: '2026-11-02' }, { by: 'engineer', now: START });
    const b = await createPowerRecord(t.db, { itemCode: 'XK-0002', unitId: 'engineering-office', partyName: '某公司', summary: '拆除审批', handledOn: '2026-11-03' }, { by: 'engineer', now: START });
    expect([a.id, b.id]).to.deep.equal(['QL-2026-0001', 'QL-2026-0002']);
    const err = await expectError(createPowerRecord(t.db, { itemCode: 'XX-1', unitId: 'nowhere', partyName: ' ', summary: 'x', handledOn: '2026-13-45' }, { by: 'engineer', now: START }), 'VALIDATION_FAILED');
    expect(err.details.map((d: { field: string }) => d.field)).to.deep.equal(['itemCode', 'unitId', 'partyName', 'handledOn']);
  });

  it('enters small self-built projects directly; one of 300,000 CNY or more only through the procedure (Art. 3)', async () => {
    const small = await createProject(t.db, { name: '门禁改造', unitId: 'info-centre', investment: 299999.99 }, { by: 'itc', now: START });
    expect(small.onlineRequired).to.equal(false);
    expect(small.investment).to.equal(299999.99);
    // Outside the self-built-project procedure a large project is refused, and nothing is entered
    const before = await t.db('self_built_projects').count({ n: '*' }).first();
    const err = await expectError(createProject(t.db, { name: '人防指挥所改造', unitId: 'engineering-office', investment: 300000 }, { by: 'engineer', now: START }), 'PROJECT_REQUIRES_PROCEDURE');
    expect(err.status).to.equal(422);
    expect(await t.db('self_built_projects').count({ n: '*' }).first()).to.deep.equal(before);
    // The procedure's 立项 enters it with its run
    const big = await createProject(t.db, { name: '人防指挥所改造', unitId: 'engineering-office', investment: 300000 }, { by: 'engineer', now: START, instanceId: 'instance-1' });
    expect(big).to.include({ onlineRequired: true, instanceId: 'instance-1' });
    expect(await projectsNotOnline(t.db)).to.deep.equal([]);
    await expectError(createProject(t.db, { name: '错误金额', unitId: 'info-centre', investment: 1.005 }, { by: 'itc', now: START }), 'VALIDATION_FAILED');
  });

  it('has one place only that removes business records: the archive move in src/store/records.ts', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts')) files.push(path.join(d, e.name));
      }
    };
    walk(path.join(root, 'src'));
    const deleting = /\.(delete|del|truncate)\(|\bDELETE\s+FROM\b|\bTRUNCATE\b/i;
    const touching = files
      .filter((f) => !f.includes(`${path.sep}migrations${path.sep}`))
      .filter((f) => /['"](power_records|self_built_projects)['"]/.test(fs.readFileSync(f, 'utf8')));
    const store = path.join(root, 'src', 'store', 'records.ts');
    expect(touching).to.include(store);
    // Other modules may read the tables, never delete from them
    expect(touching.filter((f) => f !== store && deleting.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f))).to.deep.equal([]);
    // In the store, the one deletion is inside archiveRecord, after the row was copied to the archive
    const text = fs.readFileSync(store, 'utf8');
    expect(text.match(/\.delete\(/g)).to.have.length(1);
    const body = text.slice(text.indexOf('export async function archiveRecord'), text.indexOf('export async function restoreArchived'));
    expect(body.indexOf("insert(")).to.be.greaterThan(0);
    expect(body.indexOf('.delete(')).to.be.greaterThan(body.indexOf("insert("));
  });
});
