/**
 * The controller's logger: pino behind the controller's `Logger` function type. `json` writes one JSON object per
 * line (for a log pipeline); `text` writes one readable line per entry (for a terminal), from the same records.
 * Credentials never reach either: fields named like a credential are censored by pino's redaction, and messages
 * are scrubbed of bearer tokens, URL passwords and PEM blocks, in case an error from a library quotes one.
 */
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import type { Logger, LogLevel } from '../controller/reconcile.js';
import type { LogFormat } from './log-options.js';

export const REDACTED = '[REDACTED]';

const SECRET_KEYS = ['token', 'password', 'authorization', 'Authorization', 'caBundle', 'kubeconfig', 'cert', 'key', 'headers.authorization'];

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Where JSON lines go (default stdout). */
  out?: DestinationStream;
  /** Text mode: debug and info go to `out`, warnings and errors here (default stderr). */
  err?: DestinationStream;
}

const SCRUBBERS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, `-----${REDACTED}-----`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]+@/gi, `$1:${REDACTED}@`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED],
];

/** `text` without anything that looks like a credential. */
export function scrubSecrets(text: string): string {
  return SCRUBBERS.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** Every string inside `value` scrubbed (fields carry error messages and URLs too). */
function scrubValues(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(scrubValues);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v)]));
  return value;
}

export function createLogger(opts: LoggerOptions): Logger {
  const stream = opts.format === 'json' ? (opts.out ?? pino.destination({ dest: 1, sync: true })) : textStream(opts.out ?? process.stdout, opts.err ?? process.stderr);
  const logger = pino(
    {
      level: opts.level as LevelWithSilent,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => scrubValues(fields) as Record<string, unknown> },
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: REDACTED },
    },
    stream,
  );
  return (level, message, fields) => logger[level](fields ?? {}, scrubSecrets(message));
}

/**
 * One line per record: time, level, message, then the record's scalar fields as key=value. Object-valued fields
 * (a pass's figures) are left out: the message already says them in words.
 */
export function formatTextLine(record: Record<string, unknown>): string {
  const { time, level, msg, ...fields } = record;
  const extra = Object.entries(fields)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join('');
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} ${String(msg ?? '')}${extra}\n`;
}

function textStream(out: DestinationStream, err: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      const record = JSON.parse(line) as Record<string, unknown>;
      const text = formatTextLine(record);
      if (record.level === 'warn' || record.level === 'error' || record.level === 'fatal') err.write(text);
      else out.write(text);
    },
  };
}
