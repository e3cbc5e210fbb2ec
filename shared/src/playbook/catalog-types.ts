/** The playbook catalog: phases → sections → fields. Data, versioned; the project and pdf services both read it. */

/**
 * How an answer is stored and sent: always one string.
 * - `text`: a short single answer (a line or two).
 * - `longText`: free prose; line breaks are kept.
 * - `list`: one item per line (`\n`-separated); blank lines are not items. See `splitListAnswer`.
 */
export type FieldType = 'text' | 'longText' | 'list';

export interface PlaybookField {
  /** Stable id, e.g. `empathize.interviews.key_quotes`; contains dots, so never used as a document key. */
  id: string;
  label: string;
  /** One line that tells a team what to write. */
  help: string;
  type: FieldType;
  /** Longest accepted answer in UTF-16 code units (JavaScript string length), at most 20,000. */
  maxLength: number;
}

export interface PlaybookSection {
  id: string;
  title: string;
  intro: string;
  fields: PlaybookField[];
}

export interface PlaybookPhase {
  id: 'empathize' | 'define' | 'ideate' | 'prototype' | 'test';
  title: string;
  summary: string;
  /** The phase's colour in the PDF (hex). */
  color: string;
  sections: PlaybookSection[];
}

export interface PlaybookCatalog {
  /** Bumped whenever any id, label, help text, type or limit changes; part of the PDF cache key. */
  version: string;
  phases: PlaybookPhase[];
}
