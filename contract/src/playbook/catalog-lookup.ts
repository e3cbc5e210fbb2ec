import type { PlaybookCatalog, PlaybookField, PlaybookPhase, PlaybookSection } from './catalog-types';

/** A field together with the phase and section it belongs to. */
export interface LocatedPlaybookField {
  field: PlaybookField;
  section: PlaybookSection;
  phase: PlaybookPhase;
}

/** Every field of a catalog in reading order (phase → section → field). */
export function listPlaybookFields(catalog: PlaybookCatalog): LocatedPlaybookField[] {
  return catalog.phases.flatMap((phase) => phase.sections.flatMap((section) => section.fields.map((field) => ({ field, section, phase }))));
}

/** A lookup by field id, built once per catalog object. */
const indexes = new WeakMap<PlaybookCatalog, ReadonlyMap<string, LocatedPlaybookField>>();

/** The field with this id, or undefined when the catalog has no such field. */
export function findPlaybookField(fieldId: string, catalog: PlaybookCatalog): LocatedPlaybookField | undefined {
  let index = indexes.get(catalog);
  if (!index) {
    index = new Map(listPlaybookFields(catalog).map((located) => [located.field.id, located]));
    indexes.set(catalog, index);
  }
  return index.get(fieldId);
}

/** The items of a `list` answer: one per line, trimmed, blank lines dropped. */
export function splitListAnswer(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
