import { pdfJobUpdatedEventSchema } from '@playbook/contract';
import { parseMessage, type NatsHandle } from '@playbook/kit/nats';
import type { Subscription } from 'nats';
import { PDF_JOB_UPDATED_SUBJECT } from '../messaging/subjects';
import type { JobWaiting } from '../domain/ports';

/**
 * Lets a request wait for a job to finish on any replica: one core subscription to `pdf.v1.job.updated`
 * (JetStream-published events reach core subscribers too) wakes the waiters of that job id.
 */
export class JobWaiter implements JobWaiting {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly subscription: Subscription;

  constructor(nats: NatsHandle) {
    this.subscription = nats.connection.subscribe(PDF_JOB_UPDATED_SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        let event;
        try {
          event = parseMessage(pdfJobUpdatedEventSchema, message.data, `${message.subject} event`);
        } catch {
          return;
        }
        if (event.status !== 'done' && event.status !== 'failed') return;
        for (const wake of this.waiters.get(event.jobId) ?? []) wake();
      },
    });
  }

  /**
   * Resolves with `check()`'s answer once it is defined: checked at once, then again after each finished
   * event of this job, until `timeoutMs` passes (then undefined).
   */
  async waitFor<T>(jobId: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
    let wake: () => void = () => undefined;
    const woken = () => new Promise<void>((resolve) => (wake = resolve));
    let signal = woken();
    const listener = () => wake();
    const set = this.waiters.get(jobId) ?? new Set();
    set.add(listener);
    this.waiters.set(jobId, set);
    const deadline = Date.now() + timeoutMs;
    try {
      for (let round = 0; round < 100; round += 1) {
        const answer = await check();
        if (answer !== undefined) return answer;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([signal, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(remaining, 5_000))))]);
        clearTimeout(timer);
        signal = woken();
      }
      return undefined;
    } finally {
      set.delete(listener);
      if (set.size === 0) this.waiters.delete(jobId);
    }
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}
