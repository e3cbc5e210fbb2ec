import type Koa from 'koa';
import { rateLimitMiddleware } from '../../src/middlewares/rate-limit-middleware';

/** Just what the middleware touches of a Koa context: the caller's ip, ctx.state and the response headers. */
function fakeCtx(ip: string, user?: string) {
  const headers: Record<string, string> = {};
  const ctx = { ip, state: { user: user && { id: user } }, set: (name: string, value: string) => void (headers[name] = value) };
  return { ctx: ctx as unknown as Koa.Context, headers };
}

/** Runs `middlewares` in order for one request the way Koa would; resolves to whether the request got through. */
async function send(middlewares: Koa.Middleware[], ctx: Koa.Context): Promise<boolean> {
  let reached = false;
  const run = (index: number): Promise<void> => (index === middlewares.length ? Promise.resolve(void (reached = true)) : Promise.resolve(middlewares[index]!(ctx, () => run(index + 1))));
  await run(0);
  return reached;
}

const perIp = (points: number) => rateLimitMiddleware({ name: 'ip', points, windowSeconds: 60, keyOf: (ctx) => ctx.ip });

describe('rateLimitMiddleware (gateway, with a fake ctx)', () => {
  it('lets requests through within the limit and says how many are left', async () => {
    const limit = perIp(3);
    const { ctx, headers } = fakeCtx('198.51.100.1');
    expect(await send([limit], ctx)).toBe(true);
    expect(headers).toMatchObject({ 'RateLimit-Limit': '3', 'RateLimit-Remaining': '2' });
    expect(Number(headers['RateLimit-Reset'])).toBeGreaterThan(0);
    expect(Number(headers['RateLimit-Reset'])).toBeLessThanOrEqual(60);
  });

  it('refuses the request after the limit with 429 and Retry-After, and counts each client on its own', async () => {
    const limit = perIp(2);
    for (let i = 0; i < 2; i++) await send([limit], fakeCtx('198.51.100.1').ctx);
    const { ctx, headers } = fakeCtx('198.51.100.1');
    await expect(send([limit], ctx)).rejects.toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
    expect(headers['RateLimit-Remaining']).toBe('0');
    expect(await send([limit], fakeCtx('198.51.100.2').ctx)).toBe(true);
  });

  it('skips a limit that has no key for the request (no signed-in user)', async () => {
    const perUser = rateLimitMiddleware({ name: 'user', points: 1, windowSeconds: 60, keyOf: (ctx) => (ctx.state.user as { id: string } | undefined)?.id });
    const { ctx, headers } = fakeCtx('198.51.100.1');
    expect(await send([perUser], ctx)).toBe(true);
    expect(await send([perUser], fakeCtx('198.51.100.1').ctx)).toBe(true);
    expect(headers).toEqual({});
  });

  it('describes the limit with less left when two apply', async () => {
    const ipLimit = perIp(10);
    const userLimit = rateLimitMiddleware({ name: 'user', points: 2, windowSeconds: 60, keyOf: (ctx) => (ctx.state.user as { id: string } | undefined)?.id });
    const first = fakeCtx('198.51.100.1', 'ana');
    await send([ipLimit, userLimit], first.ctx);
    expect(first.headers).toMatchObject({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '1' });
    const second = fakeCtx('198.51.100.1', 'ana');
    await send([userLimit, ipLimit], second.ctx);
    expect(second.headers).toMatchObject({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0' });
  });
});
