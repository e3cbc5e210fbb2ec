import { randomBytes } from 'node:crypto';
import Transport from 'winston-transport';
import { createLogger, type Logger } from '@playbook/kit';

/** A database name no other suite uses. */
export const uniqueDbName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export const testMongoUrl = () => {
  const url = process.env.TEST_MONGO_URL;
  if (!url) throw new Error('TEST_MONGO_URL is not set: run the suite through jest (global setup starts the database)');
  return url;
};

class MemoryTransport extends Transport {
  readonly lines: Array<Record<string, unknown>> = [];
  override log(info: Record<string, unknown>, callback: () => void): void {
    this.lines.push(info);
    callback();
  }
}

/** A logger whose lines a test can read: `lines()` gives every message with its metadata. */
export function createCapturingLogger(service: string): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const transport = new MemoryTransport();
  const logger = createLogger({ service, level: 'debug', transports: [transport] });
  return {
    logger,
    lines: () => transport.lines,
    text: () => transport.lines.map((line) => JSON.stringify(line)).join('\n'),
  };
}
