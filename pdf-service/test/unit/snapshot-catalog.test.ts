import { projectSnapshotSchema } from '@playbook/contract';
import { snapshotOf } from './fake-pdf-deps';

/** The catalog arrives inside each snapshot and its phase colours are printed into the PDF's style attributes. */
describe('a snapshot as pdf-service reads it', () => {
  it('accepts a catalog whose colours are #RRGGBB', () => {
    expect(projectSnapshotSchema.safeParse(snapshotOf(1)).success).toBe(true);
  });

  it('refuses a catalog colour that could break out of a style attribute', () => {
    const snapshot = snapshotOf(1);
    const hostile = { ...snapshot, catalog: { ...snapshot.catalog, phases: snapshot.catalog.phases.map((phase) => ({ ...phase, color: 'red" onload="alert(1)' })) } };
    const parsed = projectSnapshotSchema.safeParse(hostile);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['catalog.phases.0.color: must be #RRGGBB']);
  });
});
