import { loadConfig } from '../config.ts';
import { backup } from '../ops/backup.ts';
import { opsTarget } from '../ops/database.ts';
import { refused } from '../ops/errors.ts';
import { runCli, option } from './ops-cli.ts';

/**
 * `DATABASE_URL=… npm run backup -- --out <dir> [--schema NAME]`: a consistent online backup of
 * the database (the server may keep running) and its manifest, written into <dir>. The last line
 * of stdout is the backup file's path. Exit code 0 done, 2 bad arguments, 3 failed.
 */
runCli('backup', async () => {
  const out = option('--out') ?? loadConfig().backupDir;
  if (!out) throw refused('USAGE', '请用 --out <目录> 指定备份目录（或设置 BACKUP_DIR）');
  const r = await backup(opsTarget(loadConfig().databaseUrl, option('--schema')), out);
  const rows = Object.values(r.manifest.rowCounts).reduce((a, b) => a + b, 0);
  console.log(`manifest: ${r.manifestFile}`);
  console.log(`backup: ${r.manifest.bytes} bytes, ${rows} rows in ${Object.keys(r.manifest.rowCounts).length} tables, audit head #${r.manifest.auditHead.seq}, ${r.ms} ms`);
  console.log(r.file);
});
