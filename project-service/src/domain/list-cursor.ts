import { ValidationError } from '@playbook/kit';
import { z } from 'zod';
import type { ListPosition } from './ports';

const cursorSchema = z.strictObject({ t: z.number().int().nonnegative(), i: z.string().regex(/^[0-9a-f]{24}$/) });

/** An opaque cursor for the newest-first list: the (createdAt, id) of the last item of a page. */
export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt.getTime(), i: position.id })).toString('base64url');
}

/** The position a cursor stands for; a cursor this service did not make is a 400. */
export function decodeListCursor(cursor: string): ListPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError('Invalid query: cursor is not a cursor of this list', [{ path: 'cursor', message: 'is not a cursor of this list' }]);
  return { createdAt: new Date(parsed.data.t), id: parsed.data.i };
}
