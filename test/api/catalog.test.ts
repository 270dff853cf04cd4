import { expect } from 'chai';
import { seedCatalog, SEED_ITEMS } from '../../src/domain/catalog-seed.ts';
import { NotFoundError } from '../../src/errors.ts';
import { startServer, T0, type Client, type TestServer } from '../helpers/api.ts';

describe('API: the power-item catalog and the directory (read-only)', () => {
  let s: TestServer;
  let staff: Client;

  before(async () => {
    s = await startServer();
    await seedCatalog(s.db, T0);
    staff = await s.login('staff');
  });
  after(async () => {
    await s.close();
  });

  it('lists the items in force to any signed-in user, with unit names and versions', async () => {
    const res = await staff.get('/api/power-items?status=active');
    expect(res.status).to.equal(200);
    const retired = (await staff.get('/api/power-items?status=retired')).body.items;
    expect(retired.length).to.be.greaterThan(0);
    expect(retired.every((i: any) => i.status === 'retired')).to.equal(true);
    expect(res.body.total).to.equal(SEED_ITEMS.length - retired.length);
    expect(res.headers.get('x-total-count')).to.equal(String(res.body.total));
    expect(res.body.items.every((i: any) => i.status === 'active')).to.equal(true);
    const item = res.body.items.find((i: any) => i.code === 'XK-0001');
    expect(item).to.include({ name: SEED_ITEMS.find((i) => i.code === 'XK-0001')!.name, status: 'active', version: 1, unitName: '工程处' });
  });

  it('shows one item with every version, and 404 for an unknown code', async () => {
    const res = await staff.get('/api/power-items/XK-0001');
    expect(res.status).to.equal(200);
    expect(res.body.code).to.equal('XK-0001');
    expect(res.body.versions.map((v: any) => v.version)).to.deep.equal([1]);
    expect(res.body.versions[0]).to.include({ changeType: 'create', changedBy: 'system' });
    const missing = await staff.get('/api/power-items/XX-9999');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('ITEM_NOT_FOUND');
  });

  it('refuses a bad filter with 400 and anyone not signed in with 401', async () => {
    expect((await staff.get('/api/power-items?status=deleted')).status).to.equal(400);
    expect((await s.anonymous().get('/api/power-items')).status).to.equal(401);
    expect((await s.anonymous().get('/api/directory')).status).to.equal(401);
  });

  it('Given an item whose procedure is not deployed, when listed, then it cannot be started; given a failing database, then the answer is 500, not "not deployed"', async () => {
    const defs = s.engine.definitions;
    const latest = defs.latest;
    try {
      defs.latest = async (key: string) => {
        throw new NotFoundError(`流程定义 ${key} 不存在`, 'PROCESS_NOT_FOUND');
      };
      const missing = await staff.get('/api/power-items/XK-0001');
      expect(missing.status).to.equal(200);
      expect(missing.body).to.include({ canStart: false, startFormKey: null });

      defs.latest = async () => {
        throw new Error('SQLITE_IOERR: disk I/O error');
      };
      const broken = await staff.get('/api/power-items/XK-0001');
      expect(broken.status).to.equal(500);
      expect(broken.body.error.code).to.equal('INTERNAL');
      expect((await staff.get('/api/power-items')).status).to.equal(500);
    } finally {
      defs.latest = latest;
    }
  });

  it('names users, groups and units in the directory, without phone numbers', async () => {
    const res = await staff.get('/api/directory');
    expect(res.status).to.equal(200);
    const legal = res.body.users.find((u: any) => u.id === 'legal');
    expect(legal).to.deep.include({ displayName: '赵法', unitName: '政策法规处' });
    expect(legal).to.not.have.property('phone');
    expect(res.body.groups.find((g: any) => g.id === 'supervision').name).to.equal('监察室');
    expect(res.body.units.find((u: any) => u.id === 'inspection-brigade').name).to.equal('监察大队');
  });
});
