import pino, { type Logger } from 'pino';

export interface LogFiles {
  /** Base path of the log files (LOG_FILE), e.g. `/var/log/pcp/app.log` → `app.2026-12-01.1.log`. */
  file: string;
  /** Daily files kept besides today's (LOG_KEEP_DAYS, at least 183: six months, Cybersecurity Law art. 21). */
  keepDays: number;
}

/**
 * The platform's structured logger: JSON lines on stdout, and with `files` also into daily files
 * rolled by pino-roll (in a worker thread), the oldest removed beyond `keepDays`.
 * Usage: `createLogger('info', { file: '/var/log/pcp/app.log', keepDays: 190 })`.
 */
export function createLogger(level = process.env.LOG_LEVEL || 'info', files?: LogFiles | null): Logger {
  const base = { service: 'power-control-platform' };
  if (!files) return pino({ level, base });
  const transport = pino.transport({
    targets: [
      { target: 'pino/file', level, options: { destination: 1 } },
      {
        target: 'pino-roll',
        level,
        options: { file: files.file, frequency: 'daily', dateFormat: 'yyyy-MM-dd', mkdir: true, limit: { count: files.keepDays, removeOtherLogFiles: true } },
      },
    ],
  });
  return pino({ level, base }, transport);
}
