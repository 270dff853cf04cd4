/**
 * District exchange from the command line (Art. 6):
 *   npm run exchange -- keygen  --district district-wujin [--out data/keys]
 *   npm run exchange -- export  --district district-wujin --from 2026-11-01 --to 2026-11-30 --key data/keys/district-wujin.pem --key-id ID [--out file.json]
 *   npm run exchange -- import  --file file.json [--by supervisor]
 * Uses DATABASE_URL like the server. Exit code 0 on success, 1 with the reason on a refused file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/knex.ts';
import { createDistrictKey, exportDistrictFile, importDistrictFile } from '../src/domain/supervision/exchange.ts';
import { datePeriod } from '../src/domain/supervision/periods.ts';
import { AppError } from '../src/errors.ts';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    district: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    key: { type: 'string' },
    'key-id': { type: 'string' },
    out: { type: 'string' },
    file: { type: 'string' },
    by: { type: 'string', default: 'cli' },
  },
});

const need = (name: keyof typeof values) => {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new AppError(400, 'USAGE', `缺少参数 --${name}`);
  return v;
};

const db = await openDatabase(loadConfig().databaseUrl);
try {
  const now = Date.now();
  if (command === 'keygen') {
    const district = need('district');
    const { keyId, privateKeyPem } = await createDistrictKey(db, district, values.by!, now);
    const dir = values.out ?? path.join('data', 'keys');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${district}.pem`);
    fs.writeFileSync(file, privateKeyPem, { mode: 0o600 });
    console.log(`key ${keyId} registered; private key written to ${file}`);
  } else if (command === 'export') {
    const text = await exportDistrictFile(db, need('district'), datePeriod(need('from'), need('to')), { keyId: need('key-id'), privateKeyPem: fs.readFileSync(need('key'), 'utf8') }, now);
    if (values.out) fs.writeFileSync(values.out, text);
    else process.stdout.write(text + '\n');
    if (values.out) console.log(`written ${values.out} (${Buffer.byteLength(text)} bytes)`);
  } else if (command === 'import') {
    const res = await importDistrictFile(db, fs.readFileSync(need('file'), 'utf8'), values.by!, now);
    console.log(res.alreadyImported ? `already imported on ${new Date(res.import.importedAt).toISOString()}: nothing changed` : `imported ${res.import.operations} operations (${res.import.inserted} new, ${res.import.updated} updated)`);
  } else {
    throw new AppError(400, 'USAGE', '用法：npm run exchange -- keygen|export|import …（见 scripts/exchange.ts）');
  }
} catch (err) {
  console.error(err instanceof AppError ? `${err.code}: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
