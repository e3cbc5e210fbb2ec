import { buildPlaybookDocument } from '../../src/domain/document-model';
import { escapeHtml } from '../../src/domain/escape-html';
import { playbookRenderInput } from '../../src/domain/playbook-template';
import { CATALOG, snapshotOf } from './fake-pdf-deps';

const at = '2026-12-01T10:00:00.000Z';
const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

describe('playbook template (domain)', () => {
  it('escapes every answer, the project name and the description, so nothing the user typed becomes markup', () => {
    const snapshot = snapshotOf(1);
    snapshot.project = { ...snapshot.project, name: hostile, description: hostile };
    snapshot.responses = [{ fieldId: 'empathize.research_plan.goal', value: hostile, updatedAt: at }];
    const { html, headerTemplate } = playbookRenderInput(buildPlaybookDocument(snapshot));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(hostile));
    expect(headerTemplate).not.toContain('<script>');
  });

  it('forbids loading anything from outside the page', () => {
    expect(playbookRenderInput(buildPlaybookDocument(snapshotOf(1))).html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('prints an "empty" banner and ruled lines when nothing is answered, and no banner otherwise', () => {
    const empty = playbookRenderInput(buildPlaybookDocument({ ...snapshotOf(1), responses: [] })).html;
    expect(empty).toContain('This playbook is empty.');
    expect(empty).toContain('class="field field--blank"');
    expect(playbookRenderInput(buildPlaybookDocument(snapshotOf(1))).html).not.toContain('This playbook is empty.');
  });

  it('falls back to a neutral accent for a phase colour that is not a hex colour', () => {
    const catalog = { ...CATALOG, phases: CATALOG.phases.map((phase) => ({ ...phase, color: 'red;} body{display:none' })) };
    const { html } = playbookRenderInput(buildPlaybookDocument({ ...snapshotOf(1), catalog }));
    expect(html).toContain('--accent: #444444');
    expect(html).not.toContain('--accent: red');
  });

  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
