import { loadConfig } from '../config.ts';
import { isPostgresUrl, openDatabase } from '../db/knex.ts';
import { chainAudit, verifyAudit } from '../domain/audit-chain.ts';

/**
 * `npm run audit:verify`: links the queued audit rows, then re-computes the audit hash chain of the database named by DATABASE_URL
 * (as `npm start` uses it) and prints `{ok, checked, firstBrokenAt?}`. Exit code 0 when intact,
 * 1 when broken, 2 when the check could not run. `--schema NAME` picks a PostgreSQL schema.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const i = process.argv.indexOf('--schema');
  const searchPath = i > 0 ? process.argv[i + 1] : undefined;
  const db = await openDatabase(config.databaseUrl, { migrate: false, searchPath: isPostgresUrl(config.databaseUrl) ? searchPath : undefined });
  try {
    await chainAudit(db);
    const result = await verifyAudit(db);
    console.log(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
