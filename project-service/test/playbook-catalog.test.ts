import { listPlaybookFields, type PlaybookCatalog } from '@playbook/contract';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';
import { playbookCatalog } from '../src/domain/playbook-catalog';

describe('the playbook catalog', () => {
  const fields = listPlaybookFields(playbookCatalog);

  it('has at least 80 fields with unique, well-formed ids across the five phases', () => {
    expect(playbookCatalog.phases.map((phase) => phase.id)).toEqual(['empathize', 'define', 'ideate', 'prototype', 'test']);
    expect(fields.length).toBeGreaterThanOrEqual(80);
    expect(new Set(fields.map(({ field }) => field.id)).size).toBe(fields.length);
    for (const { phase, section, field } of fields) {
      expect(field.id).toMatch(new RegExp(`^${phase.id}\\.${section.id}\\.[a-z][a-z0-9_]*$`));
      expect(field.label.trim()).not.toBe('');
      expect(field.help.trim()).not.toBe('');
      expect(field.maxLength).toBeGreaterThan(0);
      expect(field.maxLength).toBeLessThanOrEqual(20_000);
    }
    for (const phase of playbookCatalog.phases) expect(phase.sections.reduce((n, s) => n + s.fields.length, 0)).toBeGreaterThanOrEqual(10);
  });

  it('gives each phase its own colour and covers the facilitator’s staples', () => {
    const colours = playbookCatalog.phases.map((phase) => phase.color);
    expect(new Set(colours).size).toBe(5);
    colours.forEach((colour) => expect(colour).toMatch(/^#[0-9A-F]{6}$/i));
    const ids = fields.map(({ field }) => field.id);
    for (const id of ['empathize.empathy_map.says', 'empathize.empathy_map.thinks', 'empathize.empathy_map.does', 'empathize.empathy_map.feels', 'define.point_of_view.how_might_we', 'test.feedback_grid.wishes']) {
      expect(ids).toContain(id);
    }
    expect(playbookCatalog.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
  });
});

describe('GET /api/playbook', () => {
  let service: TestProjectService;
  beforeAll(async () => {
    service = await startTestProjectService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('serves the catalog without a token, with an ETag, and answers 304 when it is unchanged', async () => {
    const first = await service.anonymous().get('/api/playbook');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBe(`"playbook-${playbookCatalog.version}"`);
    const body = (await first.json()) as PlaybookCatalog;
    expect(body).toEqual(playbookCatalog);

    const again = await service.anonymous().request('GET', '/api/playbook', undefined, { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const stale = await service.anonymous().request('GET', '/api/playbook', undefined, { 'if-none-match': '"playbook-1999.1.1"' });
    expect(stale.status).toBe(200);
  });
});
