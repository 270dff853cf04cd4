import { loadConfig } from '../config.ts';
import { opsTarget } from '../ops/database.ts';
import { refused } from '../ops/errors.ts';
import { restore } from '../ops/restore.ts';
import { option, positional, runCli } from './ops-cli.ts';

/**
 * `DATABASE_URL=<empty target> npm run restore -- <backup file> [--schema NAME]`: restores a
 * backup taken by `npm run backup` and verifies it (file SHA-256, row counts, audit chain).
 * Exit code 0 restored and verified, 1 the backup does not verify (the target is left empty),
 * 2 refused (target not empty, wrong arguments; nothing written), 3 failed otherwise.
 */
runCli('restore', async () => {
  const file = positional();
  if (!file) throw refused('USAGE', '用法：npm run restore -- <备份文件>');
  const r = await restore(opsTarget(loadConfig().databaseUrl, option('--schema')), file);
  console.log(`restored ${r.manifest.file} (taken ${r.manifest.createdAt}, schema ${r.manifest.schemaVersion}, platform ${r.manifest.platformVersion})`);
  console.log(`verified: SHA-256, row counts of ${Object.keys(r.manifest.rowCounts).length} tables, audit chain of ${r.auditChecked} rows (head ${r.manifest.auditHead.hash}); ${r.ms} ms`);
});
