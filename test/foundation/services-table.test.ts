import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { publicRoutes, SERVICES } from '@playbook/contract';
import { parse } from 'yaml';
import { STACK_SERVICES } from '../support/stack';

/**
 * The services table (contract/src/services.ts) is the one list of services. Whatever cannot import it (npm,
 * tsc, jest, the chart) is compared with it here, so adding a service without its row, or a row without its
 * place, fails by name.
 */
const ROOT = resolve(__dirname, '../..');
const json = (path: string) => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));
const folders = SERVICES.map((service) => service.folder);
/** The packages beside the services: the shared kit and contract first, the frontend's client (deployed nowhere) last. */
const packages = ['kit', 'contract', ...folders, 'client'];

describe('the services table', () => {
  it('is what npm, TypeScript and jest build and test', () => {
    expect(json('package.json').workspaces).toEqual(packages);
    expect(json('tsconfig.json').references.map((reference: { path: string }) => reference.path)).toEqual(packages);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jestRoots: string[] = require('../../jest.config.js').roots;
    expect(jestRoots.map((root) => root.replace('<rootDir>/', ''))).toEqual([...packages, 'test']);
    for (const folder of folders) expect(json(`${folder}/package.json`).name).toBe(`@playbook/${folder}`);
  });

  it('is what the test stack starts', () => {
    expect(STACK_SERVICES).toEqual(folders);
  });

  it('is what the chart deploys: one block per service, with its port and database', () => {
    const values = parse(readFileSync(resolve(ROOT, 'helm/playbook/values.yaml'), 'utf8')) as { services: Record<string, { port: number; mongoDb?: string }> };
    expect(Object.keys(values.services).sort()).toEqual([...folders].sort());
    for (const service of SERVICES) {
      expect({ folder: service.folder, port: values.services[service.folder]?.port, database: values.services[service.folder]?.mongoDb }).toEqual({
        folder: service.folder,
        port: service.port,
        database: service.database,
      });
    }
  });

  it('names every service the public route table routes to, and no other', () => {
    expect([...new Set(publicRoutes.map((route) => route.service))].sort()).toEqual(SERVICES.map((service) => service.name).sort());
  });
});
