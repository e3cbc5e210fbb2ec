import { TooManyRequestsError } from '@playbook/kit';

/** The render queue is full: the caller should come back later (429 with Retry-After). */
export class RenderQueueFullError extends TooManyRequestsError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, 'The PDF renderer is busy, retry later');
  }
}

/**
 * A counting semaphore with a bounded waiting line: `slots` renders run at once, up to `limit` wait, and
 * the next one is refused at once rather than queued without bound.
 */
export class RenderQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly slots: number,
    private readonly limit: number,
    private readonly onChange: (waiting: number, active: number) => void = () => undefined,
  ) {}

  get depth(): number {
    return this.waiting.length;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot and returns its release function; throws RenderQueueFullError when the line is full. */
  async acquire(estimateSeconds: () => number): Promise<() => void> {
    if (this.active >= this.slots) {
      if (this.waiting.length >= this.limit) throw new RenderQueueFullError(Math.max(1, Math.ceil(estimateSeconds())));
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.onChange(this.waiting.length, this.active);
      });
    } else {
      this.active += 1;
    }
    this.onChange(this.waiting.length, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
      this.onChange(this.waiting.length, this.active);
    };
  }
}
