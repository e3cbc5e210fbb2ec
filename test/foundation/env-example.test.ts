import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { baseConfigSchema } from '@playbook/shared';
import { authConfigSchema } from '../../auth-service/src/config';
import { gatewayConfigSchema } from '../../gateway/src/config';
import { pdfConfigSchema } from '../../pdf-service/src/config';
import { projectConfigSchema } from '../../project-service/src/config';

const ENV_EXAMPLE = join(__dirname, '../../.env.example');

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
    lines.push(`# ${name}=${fallback}${fallback === '' ? '   (no default)' : ''}`);
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
