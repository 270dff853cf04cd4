import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Context } from 'koa';
import type { EngineService } from '../engine/service.ts';
import { appendAudit, type AuditEntry } from '../domain/audit.ts';
import type { AuthService, Authenticated, ClientInfo } from '../domain/auth.ts';
import type { Person } from '../domain/org.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

/** What every router module gets. */
export interface ApiDeps {
  db: Knex;
  /**
   * DATABASE_READ_URL: a read replica for reads that may lag a moment (the monitor summary,
   * statistics, the compliance report). Absent: the primary. Never used inside a step.
   */
  readDb?: Knex;
  engine: EngineService;
  logger: Logger;
  auth: AuthService;
  limits: ApiLimits;
  /** ATTACHMENTS_DIR: attachments kept as files there instead of in the database. */
  attachmentsDir?: string | null;
  /** SUNSHINE_LAG_DAYS: days an item change may lag the 三合一 platform (default 30). */
  sunshineLagDays?: number;
  /** Set by graceful shutdown: readiness answers 503 and responses ask clients to reconnect elsewhere. */
  lifecycle?: Lifecycle;
}

/** A node's run state, shared by the shutdown handler (writer) and the API (reader). */
export interface Lifecycle {
  draining: boolean;
}

/** Request size limits (Art. 12); tests may lower them. */
export interface ApiLimits {
  /** Largest JSON body of an ordinary request. */
  jsonBytes: number;
  /** Largest deployment request (JSON or multipart) and largest single file in it. */
  deploymentBytes: number;
  deploymentFileBytes: number;
  deploymentFiles: number;
  /** Attachments: largest file, a person's uploads not yet in a case, attachments per case. */
  attachmentBytes: number;
  attachmentsUnlinked: number;
  attachmentsPerCase: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  jsonBytes: 512 * 1024,
  deploymentBytes: 8 * 1024 * 1024,
  deploymentFileBytes: 2 * 1024 * 1024,
  deploymentFiles: 50,
  attachmentBytes: 10 * 1024 * 1024,
  attachmentsUnlinked: 30,
  attachmentsPerCase: 100,
};

/** Group names the API checks itself (the engine checks task candidates and starters). */
export const GROUPS = {
  supervision: 'supervision',
  processOwners: 'process-owners',
} as const;

/** The signed-in session of this request (set by the authentication middleware). */
export function session(ctx: Context): Authenticated {
  const a = ctx.state.auth as Authenticated | undefined;
  if (!a) throw new UnauthorizedError();
  return a;
}

/** The signed-in person of this request. */
export function me(ctx: Context): Person {
  return session(ctx).person;
}

/** 403 unless the caller is in `group`. */
export function requireGroup(ctx: Context, group: string, message: string): Person {
  const p = me(ctx);
  if (!p.groups.includes(group)) throw new ForbiddenError(message, 'FORBIDDEN', { requiredGroup: group });
  return p;
}

export function requireSupervision(ctx: Context): Person {
  return requireGroup(ctx, GROUPS.supervision, '仅监察室（supervision）可以执行此操作');
}

export function clientOf(ctx: Context): ClientInfo {
  return { ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, requestId: ctx.state.requestId ?? null };
}

/**
 * A transaction hook that writes this request's audit row: pass it as `hook` to an engine call,
 * so the row commits with the change or not at all.
 * Usage: `engine.claim(id, { by, hook: auditHook(ctx, deps, (task) => ({ action: 'task.claim', … })) })`.
 */
export function auditHook<R>(
  ctx: Context,
  deps: Pick<ApiDeps, 'engine'>,
  entry: (result: R) => Omit<AuditEntry, 'actor' | 'ip' | 'requestId'>,
): (trx: Knex.Transaction, result: R) => Promise<void> {
  const client = clientOf(ctx);
  const actor = me(ctx).id;
  return async (trx, result) => {
    await appendAudit(trx, { ...entry(result), actor, ip: client.ip, requestId: client.requestId }, deps.engine.clock.now());
  };
}
