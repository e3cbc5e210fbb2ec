/** One server-sent event as EventSource would hand it over. */
export interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A server-sent event stream read the way EventSource reads it (fields `id`, `event`, `data`, comment lines),
 * over fetch so a test can send headers and see the status of a refused stream.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  let retry: number | undefined;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((wake) => wake());

  const parseBlock = (block: string) => {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments += 1;
      else {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
      }
    }
    if (fields.retry) retry = Number(fields.retry);
    if (fields.event && fields.data !== undefined) events.push({ ...(fields.id ? { id: fields.id } : {}), event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> });
  };

  const ended = (async () => {
    if (!response.ok || !response.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          parseBlock(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
        notify();
      }
    } catch {
      // aborted by the test
    } finally {
      notify();
    }
  })();
  let isEnded = false;
  void ended.then(() => (isEnded = true));

  /** Waits until `check` holds for what arrived so far (or the stream ended), failing after `timeoutMs`. */
  const until = async <T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined && found !== false) return found;
      if (isEnded) throw new Error(`the stream ended before ${what}; events: ${JSON.stringify(events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; events: ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 500));
        waiters.add(wake);
      });
    }
  };

  return {
    response,
    events,
    comments: () => comments,
    retry: () => retry,
    /** The first event `match` accepts, once it arrived. */
    next: (match: (event: SseEvent) => boolean, what = 'matching event', timeoutMs?: number) => until(() => events.find(match), what, timeoutMs),
    until,
    /** Resolves when the server ended the stream. */
    ended,
    isEnded: () => isEnded,
    close: async () => {
      abort.abort();
      await ended;
    },
  };
}
export type TestEventStream = Awaited<ReturnType<typeof openEventStream>>;
