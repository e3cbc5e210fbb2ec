import { z } from 'zod';

/**
 * The playbook catalog: phases → sections → fields. Data, versioned, owned by project-service (which validates
 * answers with it and serves it at /api/playbook); pdf-service renders the copy that travels in each snapshot.
 */

/**
 * How an answer is stored and sent: always one string.
 * - `text`: a short single answer (a line or two).
 * - `longText`: free prose; line breaks are kept.
 * - `list`: one item per line (`\n`-separated); blank lines are not items. See `splitListAnswer`.
 */
export const fieldTypeSchema = z.enum(['text', 'longText', 'list']).meta({ description: '`list` answers hold one item per line.' });
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const playbookFieldSchema = z.object({
  id: z.string().meta({ description: 'Stable id, e.g. `empathize.interviews.key_quotes`; contains dots, so never used as a document key.' }),
  label: z.string(),
  help: z.string().meta({ description: 'One line that tells a team what to write.' }),
  type: fieldTypeSchema,
  maxLength: z.number().int().positive().meta({ description: 'Longest accepted answer in UTF-16 code units (JavaScript string length), at most 20,000.' }),
});
export type PlaybookField = z.infer<typeof playbookFieldSchema>;

export const playbookSectionSchema = z.object({ id: z.string(), title: z.string(), intro: z.string(), fields: z.array(playbookFieldSchema) });
export type PlaybookSection = z.infer<typeof playbookSectionSchema>;

export const playbookPhaseSchema = z.object({
  id: z.enum(['empathize', 'define', 'ideate', 'prototype', 'test']),
  title: z.string(),
  summary: z.string(),
  // Printed into the PDF's style attributes: a colour and nothing else, checked wherever the catalog arrives.
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be #RRGGBB').meta({ description: 'The phase colour in the PDF, #RRGGBB.' }),
  sections: z.array(playbookSectionSchema),
});
export type PlaybookPhase = z.infer<typeof playbookPhaseSchema>;

export const playbookCatalogSchema = z.object({
  version: z.string().meta({ description: 'Changes whenever any id, label, help text, type or limit changes; the ETag, and part of the PDF cache key.' }),
  phases: z.array(playbookPhaseSchema),
});
export type PlaybookCatalog = z.infer<typeof playbookCatalogSchema>;
