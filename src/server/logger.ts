import { pino } from 'pino';
import type { AppConfig } from '../config/config.js';

/** Structured JSON logs on stdout. */
export const createLogger = (level: AppConfig['logLevel']) => pino({ level, base: { service: 'klynge' } });
export type Logger = ReturnType<typeof createLogger>;
