import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import type { Knex } from 'knex';
import { BadRequestError, ConflictError, NotFoundError, PayloadTooLargeError } from '../../errors.ts';
import {
  getDistrictKey,
  importByFileHash,
  insertDistrictKey,
  insertImport,
  latestExportedAt,
  operationHashes,
  upsertDistrictOperation,
  type ImportRow,
} from '../../store/exchange.ts';
import { assertJsonAcceptable } from '../../json-guard.ts';
import { getUnit, listUsers } from '../../store/org.ts';
import { buildOperationsPackage, canonicalJson, OPERATIONS_SCHEMA, sha256Hex, type OperationsPackage } from './operations.ts';
import type { Period } from './periods.ts';

/**
 * District exchange (Art. 6) — the modern stand-in for the disc. A district bureau exports its
 * operations of a period to one JSON file carrying a SHA-256 checksum of the canonical package and
 * an Ed25519 signature with the district's private key; the city imports it after checking both
 * against the district's registered public key. An import is idempotent (the same file, or an
 * unchanged operation, changes nothing) and all-or-nothing (a damaged or forged file imports
 * nothing).
 */
export const EXCHANGE_FORMAT = 'pcp-exchange/1';
export const MAX_EXCHANGE_BYTES = 20 * 1024 * 1024;

export interface ExchangeFile {
  format: typeof EXCHANGE_FORMAT;
  district: string;
  keyId: string;
  checksum: { alg: 'SHA-256'; value: string };
  signature: { alg: 'Ed25519'; value: string };
  package: OperationsPackage;
}

/** Makes a district key pair; the city keeps the public key, the district the private one (PEM). */
export async function createDistrictKey(db: Knex, districtId: string, by: string, now: number): Promise<{ keyId: string; privateKeyPem: string }> {
  const unit = await getUnit(db, districtId);
  if (!unit || unit.kind !== 'district') throw new NotFoundError(`辖市（区）单位 ${districtId} 不存在`, 'DISTRICT_NOT_FOUND');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = `${districtId}:${new Date(now).toISOString().slice(0, 10)}:${randomUUID().slice(0, 8)}`;
  await insertDistrictKey(db, {
    keyId,
    districtId,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    createdAt: now,
    createdBy: by,
    revokedAt: null,
  });
  return { keyId, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Registers a district's public key sent to the city (PEM). */
export async function registerDistrictKey(db: Knex, districtId: string, keyId: string, publicKeyPem: string, by: string, now: number): Promise<void> {
  try {
    createPublicKey(publicKeyPem);
  } catch {
    throw new BadRequestError('公钥格式无效（应为 PEM）', undefined, 'BAD_KEY');
  }
  if (await getDistrictKey(db, keyId)) throw new ConflictError(`密钥编号 ${keyId} 已登记，不能覆盖`, 'DISTRICT_KEY_EXISTS');
  try {
    await insertDistrictKey(db, { keyId, districtId, publicKey: publicKeyPem, createdAt: now, createdBy: by, revokedAt: null });
  } catch (err) {
    // The same id registered at the same moment by another request.
    if (isUniqueViolation(err)) throw new ConflictError(`密钥编号 ${keyId} 已登记，不能覆盖`, 'DISTRICT_KEY_EXISTS');
    throw err;
  }
}

/** Builds and signs the district's exchange file for a period. */
export async function exportDistrictFile(db: Knex, districtId: string, period: Period, key: { keyId: string; privateKeyPem: string }, now: number): Promise<string> {
  const unit = await getUnit(db, districtId);
  if (!unit) throw new NotFoundError(`单位 ${districtId} 不存在`, 'DISTRICT_NOT_FOUND');
  // Only the district's own operations: cases its people started (never the city's own cases).
  const people = new Set((await listUsers(db, { unitId: unit.id })).map((u) => u.id));
  const pkg = await buildOperationsPackage(db, period, { unitId: unit.id, unitName: unit.name }, now, people);
  const canonical = canonicalJson(pkg);
  const badKey = () => new BadRequestError('私钥无效（应为登记该密钥编号时发放的 Ed25519 PKCS#8 PEM）', undefined, 'BAD_KEY');
  let signature: string;
  try {
    const privateKey = createPrivateKey(key.privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw badKey();
    // A key that does not belong to the named key id would make a file the city refuses anyway.
    const registered = await getDistrictKey(db, key.keyId);
    const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    if (registered && createPublicKey(registered.publicKey).export({ type: 'spki', format: 'pem' }).toString() !== publicPem) throw badKey();
    signature = sign(null, Buffer.from(canonical), privateKey).toString('base64');
  } catch {
    throw badKey();
  }
  const file: ExchangeFile = {
    format: EXCHANGE_FORMAT,
    district: districtId,
    keyId: key.keyId,
    checksum: { alg: 'SHA-256', value: sha256Hex(canonical) },
    signature: { alg: 'Ed25519', value: signature },
    package: pkg,
  };
  return JSON.stringify(file, null, 1);
}

export interface ImportResult {
  import: ImportRow;
  alreadyImported: boolean;
}

/**
 * Checks and imports a district exchange file. Refuses (400, nothing imported) a file that is not
 * JSON, has the wrong format, a checksum that does not match, an unknown or revoked key, a key of
 * another district, or a signature that does not verify.
 */
export async function importDistrictFile(
  db: Knex,
  text: string,
  by: string,
  now: number,
  /** Extra writes (the API's audit row) in the import's transaction: both commit or neither. */
  hook?: (trx: Knex.Transaction, result: ImportResult) => Promise<void>,
): Promise<ImportResult> {
  if (Buffer.byteLength(text) > MAX_EXCHANGE_BYTES) throw new PayloadTooLargeError('交换文件过大');
  let file: ExchangeFile;
  try {
    file = JSON.parse(text);
  } catch {
    throw new BadRequestError('交换文件已损坏：不是有效的 JSON', undefined, 'EXCHANGE_DAMAGED');
  }
  // Before anything recursive (stringify, canonical JSON) walks it.
  assertJsonAcceptable(file, '交换文件');
  if (!file || file.format !== EXCHANGE_FORMAT || !file.package || file.package.schema !== OPERATIONS_SCHEMA) {
    throw new BadRequestError(`交换文件格式不符：应为 ${EXCHANGE_FORMAT}`, undefined, 'EXCHANGE_FORMAT');
  }
  // Any byte changed outside the signed values (spacing, key order) also means the file is not the
  // one exported; only line endings and trailing white space, which copying may change, are allowed.
  if (text.replace(/\r\n/g, '\n').trimEnd() !== JSON.stringify(file, null, 1)) {
    throw new BadRequestError('交换文件已被改动，与导出时不一致，未导入任何数据', undefined, 'EXCHANGE_DAMAGED');
  }
  const canonical = canonicalJson(file.package);
  if (file.checksum?.alg !== 'SHA-256' || sha256Hex(canonical) !== file.checksum.value) {
    throw new BadRequestError('交换文件已损坏：校验和不一致，未导入任何数据', undefined, 'EXCHANGE_CHECKSUM');
  }
  const key = typeof file.keyId === 'string' ? await getDistrictKey(db, file.keyId) : undefined;
  if (!key || key.revokedAt !== null) throw new BadRequestError(`签名密钥 ${file.keyId} 未登记或已吊销，未导入任何数据`, undefined, 'EXCHANGE_KEY');
  if (key.districtId !== file.district || file.package.source?.unitId !== file.district) {
    throw new BadRequestError('交换文件的报送单位与签名密钥不符，未导入任何数据', undefined, 'EXCHANGE_KEY');
  }
  let valid = false;
  try {
    valid = file.signature?.alg === 'Ed25519' && verify(null, Buffer.from(canonical), createPublicKey(key.publicKey), Buffer.from(String(file.signature.value), 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new BadRequestError('交换文件签名无效（可能被篡改或伪造），未导入任何数据', undefined, 'EXCHANGE_SIGNATURE');
  const operations = Array.isArray(file.package.operations) ? file.package.operations : [];
  if (operations.some((o) => !o || typeof o.id !== 'string')) throw new BadRequestError('交换文件内容不完整', undefined, 'EXCHANGE_FORMAT');

  await refuseForeignOperations(db, file.district, operations);
  const fileSha = sha256Hex(text);
  const exportedAt = Date.parse(String(file.package.generatedAt));
  if (Number.isNaN(exportedAt)) throw new BadRequestError('交换文件缺少导出时间', undefined, 'EXCHANGE_FORMAT');
  return db.transaction(async (trx) => {
    const previous = await importByFileHash(trx, fileSha);
    if (previous) {
      const again = { import: previous, alreadyImported: true };
      await hook?.(trx, again);
      return again;
    }
    // A replayed older file would roll the district's operations back to an earlier state.
    const latest = await latestExportedAt(trx, file.district);
    if (latest !== null && exportedAt < latest) {
      throw new ConflictError(`该交换文件（导出于 ${new Date(exportedAt).toISOString()}）早于本辖区已导入的最新文件（${new Date(latest).toISOString()}），未导入任何数据`, 'EXCHANGE_OUTDATED');
    }
    const existing = await operationHashes(trx, file.district, operations.map((o) => o.id));
    const id = randomUUID();
    let inserted = 0;
    let updated = 0;
    for (const op of operations) {
      const contentSha = sha256Hex(canonicalJson(op));
      const old = existing.get(op.id);
      if (old === contentSha) continue;
      if (old) updated++;
      else inserted++;
      await upsertDistrictOperation(trx, {
        districtId: file.district,
        operationId: op.id,
        itemCode: op.itemCode ?? null,
        status: op.status ?? null,
        startedAt: toMs(op.startedAt),
        endedAt: toMs(op.endedAt),
        contentSha256: contentSha,
        data: op,
        importId: id,
        updatedAt: now,
      });
    }
    const row: ImportRow = {
      id,
      districtId: file.district,
      fileSha256: fileSha,
      keyId: file.keyId,
      periodFrom: file.package.period.from,
      periodTo: file.package.period.to,
      operations: operations.length,
      inserted,
      updated,
      importedBy: by,
      importedAt: now,
      exportedAt,
    };
    await insertImport(trx, row);
    const result = { import: row, alreadyImported: false };
    await hook?.(trx, result);
    return result;
  });
}

/**
 * A district's file carries only the district's operations: none may have been started by someone
 * this platform knows in another unit (the city's own staff). Throws 400 EXCHANGE_NOT_DISTRICT,
 * nothing imported.
 */
async function refuseForeignOperations(db: Knex, district: string, operations: Array<{ id: string; startedBy?: unknown }>): Promise<void> {
  const starters = [...new Set(operations.map((o) => String(o.startedBy ?? '')).filter(Boolean))];
  const users = starters.length ? await listUsers(db, { ids: starters }) : [];
  const elsewhere = new Set(users.filter((u) => u.unitId !== district).map((u) => u.id));
  const foreign = operations.filter((o) => elsewhere.has(String(o.startedBy ?? '')));
  if (foreign.length) {
    throw new BadRequestError(
      `交换文件含有不属于本辖区的办件 ${foreign.length} 件（由本辖区以外单位的人员发起），未导入任何数据`,
      { operations: foreign.slice(0, 20).map((o) => o.id) },
      'EXCHANGE_NOT_DISTRICT',
    );
  }
}

function toMs(iso: unknown): number | null {
  if (typeof iso !== 'string') return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}


function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
