import { browserWentAway } from '../../src/rendering/pdf-renderer';

const disconnectIn = (ms: number) => {
  const lost = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Chromium disconnected mid-render')), ms));
  lost.catch(() => undefined);
  return lost;
};
const never = new Promise<never>(() => undefined);

describe('browserWentAway: was a failed render its browser going away?', () => {
  it('yes at once when the browser is already known to be gone', async () => {
    await expect(browserWentAway(true, never, 60_000)).resolves.toBe(true);
  });

  it('yes when the disconnect is reported a moment after the page failed', async () => {
    const started = Date.now();
    await expect(browserWentAway(false, disconnectIn(50), 2_000)).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('no when the browser stays connected through the grace period', async () => {
    const started = Date.now();
    await expect(browserWentAway(false, never, 100)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
