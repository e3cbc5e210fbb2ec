/**
 * A counting semaphore: `slots` renders run at once, the rest wait in line. The line needs no limit of its own:
 * the render worker never holds more than its concurrency (PDF_WORKER_CONCURRENCY, twice the pages by default),
 * and a request renders its own job only on a slot it took free (`tryAcquire`, render-here.ts); the work queue's
 * limit (PDF_JOB_QUEUE_LIMIT, 429 when full) is where users meet back-pressure.
 */
export class RenderQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly slots: number,
    private readonly onChange: (waiting: number, active: number) => void = () => undefined,
  ) {}

  /** Takes a slot if one is free now and returns its release function; undefined (nothing taken) otherwise. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.slots) return undefined;
    this.active += 1;
    return this.taken();
  }

  /** Waits for a slot and returns its release function. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.slots) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.onChange(this.waiting.length, this.active);
      });
    } else {
      this.active += 1;
    }
    return this.taken();
  }

  private taken(): () => void {
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
