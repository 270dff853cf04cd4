import pino, { type Logger } from 'pino';

/** The platform's structured logger (JSON lines on stdout). */
export function createLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({ level, base: { service: 'power-control-platform' } });
}
