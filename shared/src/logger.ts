// Structured logging for every Flotilla process: pino, JSON lines on stderr, level from
// FLOTILLA_LOG_LEVEL; secrets are redacted by key wherever they appear.
import { pino, type DestinationStream, type Logger } from 'pino';

/** Keys whose values never reach a log line. */
export const REDACTED_KEYS = ['password', 'token', 'credential', 'authorization', 'secret', 'bootstrapToken'];

/** A logger named after its component (JSON lines on stderr unless given another destination, as tests do). */
export function createLogger(name: string, level = process.env.FLOTILLA_LOG_LEVEL ?? 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger } from 'pino';
