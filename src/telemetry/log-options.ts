/** The logger's choices, apart from the logger itself, so the command line can check flags without loading pino. */
import type { LogLevel } from '../controller/reconcile.js';

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
