import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type Koa from 'koa';
import type { Knex } from 'knex';
import { filesystemOf, productionProblems, type Config, type ConfigProblem } from '../config.ts';
import { isPostgresUrl } from '../db/knex.ts';
import { DEMO_USERS } from '../domain/demo-org.ts';
import type { PasswordHasher } from '../domain/password-hasher.ts';
import { ADMINISTRATORS, DEMO_PASSWORD } from '../domain/sign-ins.ts';
import { getCredential } from '../store/auth.ts';
import { countUsers } from '../store/org.ts';

/**
 * What production refuses to start with (NODE_ENV=production): a SQLite file on a network
 * filesystem, DEMO not set to 0, and a demo account (or `admin`) still holding the demo password.
 * Only the demo account names are checked (a handful of hashes), not every user.
 * Usage: `const problems = await startupProblems(config, db, hasher)` before seeding anything.
 */
export async function startupProblems(config: Config, db: Knex, hasher: PasswordHasher): Promise<ConfigProblem[]> {
  if (!config.production) return [];
  const sqliteFilesystem = isPostgresUrl(config.databaseUrl) ? null : filesystemOf(config.databaseUrl);
  const hasData = (await countUsers(db)) > 0;
  const usersWithDemoPassword: string[] = [];
  for (const id of ['admin', ...ADMINISTRATORS.map((a) => a.id), ...DEMO_USERS.map((u) => u.id)]) {
    const cred = await getCredential(db, id);
    if (cred?.status === 'active' && cred.passwordHash && (await hasher.verify(DEMO_PASSWORD, cred.passwordHash))) usersWithDemoPassword.push(id);
  }
  return productionProblems(config, { sqliteFilesystem, hasData, usersWithDemoPassword });
}

/**
 * Listens on `config.port`: HTTPS when TLS_CERT and TLS_KEY are given (the app then sends HSTS,
 * since every request is secure), plain HTTP otherwise (behind a TLS-terminating proxy).
 * Usage: `const server = await serve(app, config)`.
 */
export function serve(app: Koa, config: Pick<Config, 'port' | 'tls'>): Promise<http.Server | https.Server> {
  const server = config.tls
    ? https.createServer({ cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), minVersion: 'TLSv1.2' }, app.callback())
    : http.createServer(app.callback());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
