/** One event of a text/event-stream, as the WHATWG HTML standard's parsing rules read it. */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream body into its events: `id:`, `event:`, `data:` (joined by newlines) and `retry:`
 * fields, comment lines (heartbeats) skipped. `onRetry` receives a `retry:` hint in milliseconds.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, onRetry: (ms: number) => void): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: { id?: string; event?: string; data: string[] } = { data: [] };
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.data.length) yield { id: event.id, event: event.event ?? 'message', data: event.data.join('\n') };
          event = { id: event.id, data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(value);
        else if (field === 'event') event.event = value;
        else if (field === 'id' && !value.includes('\0')) event.id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
      }
    }
  } finally {
    reader.releaseLock();
  }
}
