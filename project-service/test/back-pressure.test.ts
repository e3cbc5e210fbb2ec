import { listPlaybookFields, type ProjectResponse } from '@playbook/contract';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';
import { playbookCatalog } from '../src/domain/playbook-catalog';

describe('project-service under more changes than it can take', () => {
  let service: TestProjectService;
  beforeAll(async () => {
    service = await startTestProjectService({ env: { MAX_CONCURRENT_WRITES: '1' } });
  });
  afterAll(() => service?.stop());

  it('refuses changes beyond its limit at once with 429 and Retry-After, and keeps serving reads', async () => {
    const user = service.as('busy-user');
    const project = (await (await user.post('/api/projects', { name: 'Busy' })).json()) as ProjectResponse;
    const responses = listPlaybookFields(playbookCatalog).map(({ field }) => ({ fieldId: field.id, value: `answer for ${field.label}` }));
    const saves = await Promise.all(Array.from({ length: 4 }, () => user.put(`/api/projects/${project.id}/responses`, { responses })));
    const statuses = saves.map((response) => response.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    const refused = saves.find((response) => response.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');

    const read = await user.get(`/api/projects/${project.id}/responses`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { items: unknown[] }).items).toHaveLength(responses.length);
  });
});
