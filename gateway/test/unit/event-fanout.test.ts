import { TooManyRequestsError } from '@playbook/kit';
import type { RoutedEvent } from '../../src/events/client-event-routing';
import { EventFanout, type EventSink, type FanoutLimits, type StreamHolder } from '../../src/events/event-fanout';

/** A sink that keeps what it was sent, and can pretend its client stopped reading. */
function fakeSink(options: { queuedBytes?: number } = {}) {
  const frames: string[] = [];
  let ended: string | undefined | false = false;
  const sink: EventSink = {
    write: (frame) => {
      frames.push(frame);
      return options.queuedBytes ?? 0;
    },
    end: (lastFrame) => void (ended = lastFrame),
  };
  return {
    sink,
    /** The SSE ids and event names written, e.g. `3 project.updated`, or the event name alone for an event without an id. */
    events: () => frames.filter((frame) => !frame.startsWith(':')).map((frame) => frame.match(/^(?:id: (\d+)\n)?event: (\S+)/)!.slice(1).filter(Boolean).join(' ')),
    heartbeats: () => frames.filter((frame) => frame.startsWith(':')).length,
    ended: () => ended,
  };
}

const limits: FanoutLimits = { maxStreams: 10, maxStreamsPerUser: 3, replayEvents: 5, clientBufferBytes: 1000 };
const holder = (userId: string): StreamHolder => ({ userId, sessionId: `${userId}-session`, issuedAtSeconds: 0 });
const projectEvent = (...users: string[]): RoutedEvent => ({
  audience: new Set(users),
  event: { event: 'project.updated', data: { projectId: 'p-1', contentVersion: 1, updatedAt: '2026-01-01T00:00:00.000Z' } },
});

describe('the event fan-out', () => {
  it('writes each event to the streams of its audience only', () => {
    const fanout = new EventFanout(limits);
    const alice = fakeSink();
    const aliceTab = fakeSink();
    const bob = fakeSink();
    fanout.open(holder('alice'), () => alice.sink);
    fanout.open(holder('alice'), () => aliceTab.sink);
    fanout.open(holder('bob'), () => bob.sink);
    fanout.publish(1, projectEvent('alice'));
    fanout.publish(2, projectEvent('alice', 'bob'));
    fanout.publish(3, undefined);
    expect(alice.events()).toEqual(['1 project.updated', '2 project.updated']);
    expect(aliceTab.events()).toEqual(alice.events());
    expect(bob.events()).toEqual(['2 project.updated']);
  });

  it('resumes after Last-Event-ID with exactly the missed events of that user, then live ones, never one twice', () => {
    const fanout = new EventFanout(limits);
    for (let seq = 1; seq <= 4; seq += 1) fanout.publish(seq, projectEvent(seq === 3 ? 'bob' : 'alice'));
    const resumed = fakeSink();
    fanout.open(holder('alice'), () => resumed.sink, { lastEventId: 1 });
    fanout.publish(4, projectEvent('alice'));
    fanout.publish(5, projectEvent('alice'));
    expect(resumed.events()).toEqual(['2 project.updated', '4 project.updated', '5 project.updated']);
  });

  it('asks the client to reload when the events after its Last-Event-ID are no longer kept', () => {
    const fanout = new EventFanout(limits);
    fanout.startAfter(10);
    for (let seq = 11; seq <= 20; seq += 1) fanout.publish(seq, projectEvent('alice'));
    const kept = fakeSink();
    fanout.open(holder('alice'), () => kept.sink, { lastEventId: 15 });
    expect(kept.events()).toEqual(['16 project.updated', '17 project.updated', '18 project.updated', '19 project.updated', '20 project.updated']);
    const tooOld = fakeSink();
    fanout.open(holder('alice'), () => tooOld.sink, { lastEventId: 14 });
    expect(tooOld.events()).toEqual(['stream.resync']);
    const lost = fakeSink();
    fanout.open(holder('alice'), () => lost.sink, { lastEventId: 99, historyLost: true });
    expect(lost.events()).toEqual(['stream.resync']);
  });

  it('holds back nothing for a resume position ahead of this replica, and skips the events up to it', () => {
    const fanout = new EventFanout(limits);
    fanout.publish(1, projectEvent('alice'));
    const ahead = fakeSink();
    fanout.open(holder('alice'), () => ahead.sink, { lastEventId: 3 });
    for (let seq = 2; seq <= 4; seq += 1) fanout.publish(seq, projectEvent('alice'));
    expect(ahead.events()).toEqual(['4 project.updated']);
  });

  it('refuses a stream past the per-user and the per-process limit with 429', () => {
    const fanout = new EventFanout({ ...limits, maxStreams: 4 });
    for (let index = 0; index < 3; index += 1) fanout.open(holder('alice'), () => fakeSink().sink);
    expect(() => fanout.open(holder('alice'), () => fakeSink().sink)).toThrow(TooManyRequestsError);
    fanout.open(holder('bob'), () => fakeSink().sink);
    expect(() => fanout.open(holder('carol'), () => fakeSink().sink)).toThrow(TooManyRequestsError);
    expect(fanout.openStreams).toBe(4);
  });

  it('drops a client that stopped reading instead of buffering for it', () => {
    const closedFor: string[] = [];
    const fanout = new EventFanout(limits, (reason) => closedFor.push(reason));
    const slow = fakeSink({ queuedBytes: 5000 });
    const stream = fanout.open(holder('alice'), () => slow.sink);
    fanout.publish(1, projectEvent('alice'));
    expect(stream.closed).toBe(true);
    expect(slow.ended()).toContain('"reason":"too-slow"');
    fanout.publish(2, projectEvent('alice'));
    expect(slow.events()).toEqual(['1 project.updated']);
    expect(fanout.openStreams).toBe(0);
    expect(closedFor).toEqual(['too-slow']);
  });

  it('heartbeats every stream and closes those a check names, with the reason as the last event', () => {
    const fanout = new EventFanout(limits);
    const alice = fakeSink();
    const bob = fakeSink();
    fanout.open(holder('alice'), () => alice.sink);
    fanout.open(holder('bob'), () => bob.sink);
    fanout.heartbeat();
    expect([alice.heartbeats(), bob.heartbeats()]).toEqual([1, 1]);
    fanout.closeWhere((who) => (who.sessionId === 'bob-session' ? 'session-ended' : undefined));
    expect(bob.ended()).toContain('event: stream.closing\ndata: {"reason":"session-ended"}');
    expect(alice.ended()).toBe(false);
    fanout.closeAll('shutdown');
    expect(alice.ended()).toContain('"reason":"shutdown"');
    expect(fanout.openStreams).toBe(0);
  });
});
