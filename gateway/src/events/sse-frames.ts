import type { ClientEvent } from '@playbook/contract';

/**
 * Server-sent event frames (HTML Living Standard, "Server-sent events"): `id:`, `event:` and one `data:` line
 * (JSON never holds a raw newline), ended by an empty line.
 */
export function eventFrame(event: ClientEvent, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line: ignored by EventSource, but traffic for every proxy on the way. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** How long EventSource waits before it reconnects after the stream ends. */
export const retryFrame = (milliseconds: number) => `retry: ${milliseconds}\n\n`;
