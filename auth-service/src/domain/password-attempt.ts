import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { TooManyRequestsError } from '@playbook/kit';
import type { AuthDeps, Caller } from './auth-deps';

const TURN_WAIT_STEP_MS = 25;
const TURN_WAIT_STEPS = 80; // about two seconds, then 429

export type PasswordAttempt = { outcome: 'passed' | 'failed' } | { outcome: 'throttled'; retryAfter: number };

/**
 * One throttled password check for `email` (a sign-in, or confirming a deletion). The email's checks take turns,
 * and each is counted as a failure before `check` runs, refunded when it passes: parallel guesses cannot all
 * pass the same look at the count, so no more than the limit ever reach argon2. 429 when the turn does not
 * come within about two seconds.
 */
export async function attemptPassword(deps: AuthDeps, email: string, caller: Caller, check: () => Promise<boolean>): Promise<PasswordAttempt> {
  const turnId = randomUUID();
  for (let step = 0; !(await deps.throttle.claimTurn(email, turnId)); step++) {
    if (step >= TURN_WAIT_STEPS) throw new TooManyRequestsError(1, 'Another password check for this account is in progress, retry shortly');
    await delay(TURN_WAIT_STEP_MS);
  }
  try {
    const retryAfter = await deps.throttle.retryAfter(email, caller.ip);
    if (retryAfter !== undefined) return { outcome: 'throttled', retryAfter };
    await deps.throttle.recordAttempt(email, caller.ip);
    if (!(await check())) return { outcome: 'failed' };
    await deps.throttle.recordSuccess(email, caller.ip);
    return { outcome: 'passed' };
  } finally {
    await deps.throttle.releaseTurn(email, turnId);
  }
}
