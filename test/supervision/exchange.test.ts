import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { actorOf, seedOrganisation } from '../../src/domain/org.ts';
import { createDistrictKey, exportDistrictFile, importDistrictFile } from '../../src/domain/supervision/exchange.ts';
import { datePeriod } from '../../src/domain/supervision/periods.ts';
import { createUpload, monthlyUploadCheck, recordUpload, uploadFile, verifyUploadFile } from '../../src/domain/supervision/provincial.ts';
import { EngineService } from '../../src/engine/service.ts';
import { districtOperations, listImports } from '../../src/store/exchange.ts';
import { listNotifications } from '../../src/store/notifications.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: provincial upload packages and district exchange files', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-11-02T09:00:00+08:00'));
    await seedOrganisation(t.db, at('2026-10-01T00:00:00+08:00'), true);
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        {
          name: 'permit.bpmn',
          content: process(
            'permit',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'accept')}
            ${userTask('accept', '受理', 'camunda:candidateGroups="staff" camunda:dueDate="P2D"')}
            ${flow('f1', 'accept', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
    // Two catalog items run on the test procedure 'permit' (written straight into the catalog table).
    for (const [code, name] of [['RF-XK-001', '人防工程易地建设审批'], ['RF-BA-002', '人防工程竣工验收备案']]) {
      await t.db('power_items').insert({
        code, name, category: '行政许可', unit_id: 'engineering-office', legal_basis: '《中华人民共和国人民防空法》', statutory_days: 20,
        promised_days: 10, discretion: null, process_key: 'permit', status: 'active', version: 1, created_at: clock.now(), updated_at: clock.now(),
      });
    }
    const staff = (await actorOf(t.db, 'staff'))!;
    // Two power-item cases in November (one finished), one internal instance that is not a case.
    const a = await engine.start('permit', { by: staff, businessKey: 'XK-2026-001', variables: { itemCode: 'RF-XK-001', itemName: '人防工程易地建设审批' } });
    clock.set(at('2026-11-03T10:00:00+08:00'));
    await engine.complete(a.tasks[0].id, { by: staff, variables: { outcome: '准予许可' } });
    await engine.start('permit', { by: staff, businessKey: 'XK-2026-002', variables: { itemCode: 'RF-BA-002', itemName: '人防工程竣工验收备案' } });
    await engine.start('permit', { by: staff, variables: { note: '内部事项' } });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('packages a month of power operations with a manifest that verifies, and detects a changed package', async () => {
    clock.set(at('2026-12-01T08:00:00+08:00'));
    const row = await createUpload(t.db, '2026-11', { by: 'engineer', trigger: 'manual', now: clock.now() });
    expect(row).to.include({ month: '2026-11', operations: 2, schema: 'pcp-operations/1' });
    const stored = await uploadFile(t.db, row.id);
    const file = JSON.parse(stored.package);
    expect(file.manifest).to.include({ month: '2026-11', operations: 2, sha256: row.sha256 });
    expect(file.package.operations.map((o: any) => o.itemCode).sort()).to.deep.equal(['RF-BA-002', 'RF-XK-001']);
    const done = file.package.operations.find((o: any) => o.itemCode === 'RF-XK-001');
    expect(done).to.include({ status: 'completed', outcome: '准予许可', businessKey: 'XK-2026-001' });
    expect(done.steps).to.have.length(1);
    expect(done.steps[0]).to.include({ name: '受理', completedBy: 'staff', warning: 'green' });
    expect(verifyUploadFile(stored.package).ok).to.equal(true);
    expect(verifyUploadFile(stored.package.replace('准予许可', '不予许可')).ok).to.equal(false);
    await expectError(createUpload(t.db, '2027-01', { by: 'engineer', trigger: 'manual', now: clock.now() }), 'BAD_PERIOD');
  });

  it('makes the monthly package by itself and warns supervision once about a month without an upload', async () => {
    // November: an upload was recorded on 11-03 (of October's package).
    clock.set(at('2026-11-03T10:00:00+08:00'));
    const october = await createUpload(t.db, '2026-10', { by: 'engineer', trigger: 'manual', now: clock.now() });
    await recordUpload(t.db, october.id, 'engineer', 'SJ-2026-1103-01', clock.now());
    await expectError(recordUpload(t.db, october.id, 'engineer', 'again', clock.now()), 'ALREADY_UPLOADED');
    const since = at('2026-10-01T00:00:00+08:00');

    clock.set(at('2026-12-01T02:00:00+08:00'));
    const dec1 = await monthlyUploadCheck(t.db, clock.now(), since);
    expect(dec1.created).to.equal(null); // November's package exists already (previous test)
    expect(dec1.missedMonth).to.equal(null);

    // Nobody recorded an upload in December: on 01-01 the job makes December's package and warns.
    clock.set(at('2027-01-01T02:00:00+08:00'));
    const jan1 = await monthlyUploadCheck(t.db, clock.now(), since);
    expect(jan1.created).to.include({ month: '2026-12', trigger: 'job', createdBy: 'system' });
    expect(jan1.missedMonth).to.equal('2026-12');
    await monthlyUploadCheck(t.db, clock.now() + 3_600_000, since);
    const warnings = (await listNotifications(t.db, 'supervisor')).rows.filter((n) => n.kind === 'upload.missing');
    expect(warnings.map((n) => n.title)).to.deep.equal(['2026-12 未向省平台上传数据']);
    expect((await listNotifications(t.db, 'engineer')).rows.filter((n) => n.kind === 'upload.missing')).to.have.length(0);
  });

  it('round-trips a signed district file; a re-import changes nothing; a damaged or forged file imports nothing', async () => {
    // Given two cases the Wujin reporter ran in November (beside the city's own cases of before())
    clock.set(at('2026-11-10T09:00:00+08:00'));
    const wujin = (await actorOf(t.db, 'wujin'))!;
    const w1 = await engine.start('permit', { by: wujin, businessKey: 'WJ-2026-001', variables: { itemCode: 'RF-XK-001', itemName: '人防工程易地建设审批' } });
    await engine.complete(w1.tasks[0].id, { by: (await actorOf(t.db, 'staff'))!, variables: { outcome: '准予许可' } });
    await engine.start('permit', { by: wujin, businessKey: 'WJ-2026-002', variables: { itemCode: 'RF-BA-002', itemName: '人防工程竣工验收备案' } });
    clock.set(at('2026-12-02T09:00:00+08:00'));
    const key = await createDistrictKey(t.db, 'district-wujin', 'supervisor', clock.now());
    const text = await exportDistrictFile(t.db, 'district-wujin', datePeriod('2026-11-01', '2026-11-30'), key, clock.now());
    // Then the file holds only the district's own operations, never the city's cases
    expect(JSON.parse(text).package.operations.map((o: any) => o.businessKey).sort()).to.deep.equal(['WJ-2026-001', 'WJ-2026-002']);

    const first = await importDistrictFile(t.db, text, 'supervisor', clock.now());
    expect(first.alreadyImported).to.equal(false);
    expect(first.import).to.include({ districtId: 'district-wujin', operations: 2, inserted: 2, updated: 0, periodFrom: '2026-11-01', periodTo: '2026-11-30' });
    const stored = await districtOperations(t.db, 'district-wujin');
    expect(stored.map((o) => o.itemCode).sort()).to.deep.equal(['RF-BA-002', 'RF-XK-001']);

    const again = await importDistrictFile(t.db, text, 'supervisor', clock.now() + 1000);
    expect(again.alreadyImported).to.equal(true);
    expect(await listImports(t.db)).to.have.length(1);
    expect((await districtOperations(t.db, 'district-wujin')).map((o) => o.updatedAt)).to.deep.equal(stored.map((o) => o.updatedAt));

    // One byte changed anywhere in the package: refused by the checksum, nothing imported.
    const damaged = text.replace('人防工程竣工验收备案', '人防工程竣工验收备按');
    await expectError(importDistrictFile(t.db, damaged, 'supervisor', clock.now()), 'EXCHANGE_CHECKSUM');
    // A forger who also recomputes the checksum still cannot sign: refused by the signature.
    const forged = JSON.parse(text);
    forged.package.operations[0].outcome = '伪造';
    const { canonicalJson, sha256Hex } = await import('../../src/domain/supervision/operations.ts');
    forged.checksum.value = sha256Hex(canonicalJson(forged.package));
    await expectError(importDistrictFile(t.db, JSON.stringify(forged, null, 1), 'supervisor', clock.now()), 'EXCHANGE_SIGNATURE');
    // Signed with a key the city never registered, or claiming another district.
    const other = await createDistrictKey(t.db, 'district-jintan', 'supervisor', clock.now());
    const asJintan = JSON.parse(await exportDistrictFile(t.db, 'district-wujin', datePeriod('2026-11-01', '2026-11-30'), other, clock.now()));
    await expectError(importDistrictFile(t.db, JSON.stringify(asJintan, null, 1), 'supervisor', clock.now()), 'EXCHANGE_KEY');
    await expectError(importDistrictFile(t.db, '{"format": "pcp-exchange/1", "package": ', 'supervisor', clock.now()), 'EXCHANGE_DAMAGED');
    // A changed byte outside the values (here: spacing) is refused too; copied line endings are not.
    await expectError(importDistrictFile(t.db, text.replace('\n "district"', '\n  "district"'), 'supervisor', clock.now()), 'EXCHANGE_DAMAGED');
    expect((await importDistrictFile(t.db, text.replace(/\n/g, '\r\n') + '\r\n', 'supervisor', clock.now())).import.inserted).to.equal(0);
    expect((await listImports(t.db)).map((i) => i.inserted + i.updated).sort()).to.deep.equal([0, 2]);
    expect(await districtOperations(t.db)).to.have.length(2);
  });

  it('refuses a signed district file that carries the city\'s own cases (EXCHANGE_NOT_DISTRICT, nothing imported)', async () => {
    // Given a file signed with Wujin's registered key but packaging every case of November, the city's included
    clock.set(at('2026-12-03T09:00:00+08:00'));
    const { buildOperationsPackage, canonicalJson, sha256Hex } = await import('../../src/domain/supervision/operations.ts');
    const { createPrivateKey, sign } = await import('node:crypto');
    const key = await createDistrictKey(t.db, 'district-wujin', 'supervisor', clock.now());
    const pkg = await buildOperationsPackage(t.db, datePeriod('2026-11-01', '2026-11-30'), { unitId: 'district-wujin', unitName: '武进区民防局' }, clock.now());
    expect(pkg.operations.length).to.be.greaterThan(2);
    const canonical = canonicalJson(pkg);
    const file = {
      format: 'pcp-exchange/1',
      district: 'district-wujin',
      keyId: key.keyId,
      checksum: { alg: 'SHA-256', value: sha256Hex(canonical) },
      signature: { alg: 'Ed25519', value: sign(null, Buffer.from(canonical), createPrivateKey(key.privateKeyPem)).toString('base64') },
      package: pkg,
    };
    const importsBefore = await listImports(t.db);
    const opsBefore = await districtOperations(t.db);
    // When the city imports it, Then it is refused and nothing changed
    const err = await expectError(importDistrictFile(t.db, JSON.stringify(file, null, 1), 'supervisor', clock.now()), 'EXCHANGE_NOT_DISTRICT');
    expect(err.status).to.equal(400);
    expect(await listImports(t.db)).to.deep.equal(importsBefore);
    expect(await districtOperations(t.db)).to.deep.equal(opsBefore);
  });
});
