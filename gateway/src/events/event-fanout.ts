import { CLIENT_EVENT, type StreamClosingReason } from '@playbook/contract';
import { TooManyRequestsError } from '@playbook/kit';
import type { RoutedEvent } from './client-event-routing';
import { eventFrame, HEARTBEAT_FRAME } from './sse-frames';

/** Where a stream's frames go: the HTTP response, or a fake in tests. */
export interface EventSink {
  /** Queues a frame for the client; answers the bytes queued and not yet sent. */
  write(frame: string): number;
  /** Ends the stream, after `lastFrame` if given. */
  end(lastFrame?: string): void;
}

/** Whose stream it is: the user and the login (session) whose token opened it, which may end it. */
export interface StreamHolder {
  userId: string;
  sessionId?: string;
  /** `iat` of that token: a user revoked at or after it loses the stream. */
  issuedAtSeconds: number;
}

export interface OpenStream {
  readonly holder: StreamHolder;
  readonly sink: EventSink;
  /** The position of the last event written: an older one (a redelivery) is never written twice. */
  lastSentSeq: number;
  closed: boolean;
}

export interface FanoutLimits {
  maxStreams: number;
  maxStreamsPerUser: number;
  /** The newest events kept for a resume. */
  replayEvents: number;
  /** A client this far behind is dropped, not buffered for. */
  clientBufferBytes: number;
}

/** Where a new stream starts: after `lastEventId` (a resume), or at the live end; `historyLost` when the position cannot be resumed. */
export interface StreamStart {
  lastEventId?: number;
  historyLost?: boolean;
}

interface KeptEvent {
  seq: number;
  audience: ReadonlySet<string>;
  frame: string;
}

/** Retry-After for a refused stream: about when an EventSource's own retry comes anyway. */
const FULL_RETRY_AFTER_SECONDS = 5;

/**
 * The one live feed of a gateway replica, fanned out to its open streams: each event is framed once and written to
 * the streams of its audience only. The newest events are kept (a bounded ring), so a client that reconnects with
 * `Last-Event-ID` gets exactly what it missed, or `stream.resync` when that is no longer kept. Every buffer is
 * bounded: a stream whose client does not read is closed, never buffered for. Knows neither HTTP nor NATS.
 */
export class EventFanout {
  private readonly streamsByUser = new Map<string, Set<OpenStream>>();
  private streamCount = 0;
  private kept: KeptEvent[] = [];
  private keptHead = 0;
  /** Every event after this position is kept (or was for nobody). */
  private keptAfter = 0;
  private latest = 0;

  /** `onClosed` hears of each stream the gateway ends, with the reason (metrics). */
  constructor(
    private readonly limits: FanoutLimits,
    private readonly onClosed: (reason: StreamClosingReason) => void = () => undefined,
  ) {}

  /** The position before the first event the feed delivers: what comes earlier cannot be resumed from here. */
  startAfter(seq: number): void {
    this.keptAfter = seq;
    this.latest = Math.max(this.latest, seq);
  }

  get latestSeq(): number {
    return this.latest;
  }

  get openStreams(): number {
    return this.streamCount;
  }

  /** The event at stream position `seq`, to the streams of its audience; `undefined` (for nobody) moves the position only. */
  publish(seq: number, routed: RoutedEvent | undefined): void {
    if (seq <= this.latest) return;
    this.latest = seq;
    if (!routed) return;
    const kept: KeptEvent = { seq, audience: routed.audience, frame: eventFrame(routed.event, seq) };
    this.keep(kept);
    for (const userId of kept.audience) {
      for (const stream of this.streamsByUser.get(userId) ?? []) this.send(stream, seq, kept.frame);
    }
  }

  /** Throws 429 when one more stream for `userId` is over a limit. */
  admit(userId: string): void {
    if (this.streamCount >= this.limits.maxStreams) throw new TooManyRequestsError(FULL_RETRY_AFTER_SECONDS, 'This server has as many event streams open as it takes; retry later');
    if ((this.streamsByUser.get(userId)?.size ?? 0) >= this.limits.maxStreamsPerUser) {
      throw new TooManyRequestsError(FULL_RETRY_AFTER_SECONDS, 'Too many event streams are open for this user; close one first');
    }
  }

  /**
   * Opens a stream (429 past the limits): the kept events after `lastEventId` for this user first, or
   * `stream.resync` when they are no longer all kept, then every live event. Synchronous, so no live event
   * falls between the replay and the live part.
   */
  open(holder: StreamHolder, sink: () => EventSink, start: StreamStart = {}): OpenStream {
    this.admit(holder.userId);
    const stream: OpenStream = { holder, sink: sink(), lastSentSeq: this.latest, closed: false };
    const streams = this.streamsByUser.get(holder.userId) ?? new Set<OpenStream>();
    streams.add(stream);
    this.streamsByUser.set(holder.userId, streams);
    this.streamCount += 1;
    const { lastEventId } = start;
    if (lastEventId === undefined) return stream;
    if (start.historyLost || lastEventId < this.keptAfter) {
      stream.sink.write(eventFrame({ event: CLIENT_EVENT.streamResync, data: { reason: 'history-lost' } }));
      return stream;
    }
    stream.lastSentSeq = lastEventId;
    for (let index = this.firstKeptAfter(lastEventId); index < this.kept.length && !stream.closed; index += 1) {
      const event = this.kept[index]!;
      if (event.audience.has(holder.userId)) this.send(stream, event.seq, event.frame);
    }
    stream.lastSentSeq = Math.max(stream.lastSentSeq, this.latest);
    return stream;
  }

  /** Ends a stream, with a last `stream.closing` event when `reason` is given; a client that went away needs none. */
  close(stream: OpenStream, reason?: StreamClosingReason): void {
    if (stream.closed) return;
    stream.closed = true;
    const streams = this.streamsByUser.get(stream.holder.userId);
    streams?.delete(stream);
    if (streams?.size === 0) this.streamsByUser.delete(stream.holder.userId);
    this.streamCount -= 1;
    stream.sink.end(reason ? eventFrame({ event: CLIENT_EVENT.streamClosing, data: { reason } }) : undefined);
    if (reason) this.onClosed(reason);
  }

  /** Closes every stream `reasonToClose` names a reason for (an ended session, a replica shutting down). */
  closeWhere(reasonToClose: (holder: StreamHolder) => StreamClosingReason | undefined): void {
    for (const stream of this.allStreams()) {
      const reason = reasonToClose(stream.holder);
      if (reason) this.close(stream, reason);
    }
  }

  closeAll(reason: StreamClosingReason): void {
    this.closeWhere(() => reason);
  }

  /** A comment on every stream, so no proxy on the way takes a quiet stream for a dead one. */
  heartbeat(): void {
    for (const stream of this.allStreams()) this.write(stream, HEARTBEAT_FRAME);
  }

  private allStreams(): OpenStream[] {
    return [...this.streamsByUser.values()].flatMap((streams) => [...streams]);
  }

  private send(stream: OpenStream, seq: number, frame: string): void {
    if (stream.closed || seq <= stream.lastSentSeq) return;
    stream.lastSentSeq = seq;
    this.write(stream, frame);
  }

  private write(stream: OpenStream, frame: string): void {
    if (stream.sink.write(frame) > this.limits.clientBufferBytes) this.close(stream, 'too-slow');
  }

  private keep(event: KeptEvent): void {
    this.kept.push(event);
    while (this.kept.length - this.keptHead > this.limits.replayEvents) {
      this.keptAfter = this.kept[this.keptHead]!.seq;
      this.keptHead += 1;
    }
    // Drop the forgotten head now and then rather than shifting the array on every event.
    if (this.keptHead > 1024 && this.keptHead * 2 > this.kept.length) {
      this.kept = this.kept.slice(this.keptHead);
      this.keptHead = 0;
    }
  }

  /** The index of the first kept event after `seq` (positions only grow). */
  private firstKeptAfter(seq: number): number {
    let low = this.keptHead;
    let high = this.kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.kept[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
