import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { baseConfigSchema } from '@playbook/kit';
import { authConfigSchema } from '../../auth-service/src/config';
import { gatewayConfigSchema } from '../../gateway/src/config';
import { pdfConfigSchema } from '../../pdf-service/src/config';
import { projectConfigSchema } from '../../project-service/src/config';

const ENV_EXAMPLE = join(__dirname, '../../.env.example');

/*
 * Defaults that depend on the machine are described, not written out, so the file is the same on every machine.
 * The schemas see an unlikely CPU count (the mock is hoisted above the imports), which marks such a default.
 */
jest.mock('node:os', () => ({ ...jest.requireActual('node:os'), availableParallelism: () => 4099 }));
const MACHINE_DEFAULTS: Record<string, string> = { [String(availableParallelism())]: 'the number of CPUs' };

function defaultOf(field: z.ZodType): string {
  const parsed = field.safeParse(undefined);
  if (!parsed.success) return '';
  const value = parsed.data;
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function section(title: string, shape: Record<string, z.ZodType>, skip: Set<string>): string[] {
  const lines = ['', `# --- ${title} ---`];
  for (const [name, field] of Object.entries(shape)) {
    if (skip.has(name)) continue;
    const fallback = defaultOf(field);
    const described = MACHINE_DEFAULTS[fallback];
    if (described) lines.push(`# ${name}=   (default: ${described})`);
    else lines.push(`# ${name}=${fallback}${fallback === '' ? '   (no default)' : ''}`);
  }
  return lines;
}

/** .env.example, generated from the services' own config schemas, so it cannot drift from what they read. */
function renderEnvExample(): string {
  const base = new Set(Object.keys(baseConfigSchema.shape));
  const lines = [
    '# Every environment variable the services read, with its default (generated from */src/config.ts;',
    '# `UPDATE_ENV_EXAMPLE=1 npx jest test/foundation/env-example` rewrites it). Copy to .env and uncomment',
    '# what you change: `npm start` reads .env for all four services, so set per-service variables such as',
    '# PORT or MONGO_DB only when you run one service alone.',
    ...section('every service', baseConfigSchema.shape, new Set()),
    ...section('gateway (port 8080)', gatewayConfigSchema.shape, base),
    ...section('auth-service (port 8081)', authConfigSchema.shape, base),
    ...section('project-service (port 8082)', projectConfigSchema.shape, base),
    ...section('pdf-service (port 8083)', pdfConfigSchema.shape, base),
  ];
  return `${lines.join('\n')}\n`;
}

describe('.env.example', () => {
  it('lists every variable of every service with its default', () => {
    const expected = renderEnvExample();
    if (process.env.UPDATE_ENV_EXAMPLE === '1') writeFileSync(ENV_EXAMPLE, expected);
    expect(readFileSync(ENV_EXAMPLE, 'utf8')).toBe(expected);
  });
});
