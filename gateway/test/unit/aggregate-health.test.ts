import { aggregateHealth } from '../../src/health/aggregate-health';

const services = [
  { name: 'auth-service', url: 'http://auth.test' },
  { name: 'project-service', url: 'http://project.test' },
];

type Answer = { status: number; checks: Record<string, 'ok' | 'fail'> } | 'unreachable' | 'hangs';

/** Stands in for the services' /readyz over HTTP: each URL answers as told, and a hanging one waits for the probe's deadline. */
function fakeReadyz(answers: Record<string, Answer>) {
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const answer = answers[String(input)];
    if (answer === undefined || answer === 'unreachable') throw new TypeError('fetch failed');
    if (answer === 'hangs') {
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }
    return Response.json({ status: answer.status === 200 ? 'ok' : 'fail', checks: answer.checks }, { status: answer.status });
  });
}

const ready = { status: 200, checks: { nats: 'ok', database: 'ok' } } as const;

describe('aggregateHealth (gateway, with a fake fetch)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is ok when the gateway\'s own checks, every service and the database they see are ok', async () => {
    fakeReadyz({ 'http://auth.test/readyz': ready, 'http://project.test/readyz': ready });
    expect(await aggregateHealth(services, { nats: () => true }, 1000)).toEqual({
      status: 'ok',
      checks: { gateway: 'ok', nats: 'ok', 'auth-service': 'ok', 'project-service': 'ok', database: 'ok' },
    });
  });

  it('fails the service that is unreachable and the whole answer, keeping the others\' states', async () => {
    fakeReadyz({ 'http://auth.test/readyz': ready, 'http://project.test/readyz': 'unreachable' });
    const report = await aggregateHealth(services, {}, 1000);
    expect(report).toMatchObject({ status: 'fail', checks: { 'auth-service': 'ok', 'project-service': 'fail', database: 'ok' } });
  });

  it('fails the database when any service sees it failing, and that service too', async () => {
    fakeReadyz({ 'http://auth.test/readyz': ready, 'http://project.test/readyz': { status: 503, checks: { nats: 'ok', database: 'fail' } } });
    expect((await aggregateHealth(services, {}, 1000)).checks).toMatchObject({ 'project-service': 'fail', database: 'fail' });
  });

  it('fails the database when no service could say anything about it', async () => {
    fakeReadyz({});
    expect((await aggregateHealth(services, {}, 1000)).checks.database).toBe('fail');
  });

  it('answers despite a hanging service, which fails at the probe deadline', async () => {
    fakeReadyz({ 'http://auth.test/readyz': ready, 'http://project.test/readyz': 'hangs' });
    expect((await aggregateHealth(services, {}, 20)).checks).toMatchObject({ 'auth-service': 'ok', 'project-service': 'fail' });
  });

  it('fails when one of the gateway\'s own checks fails or throws', async () => {
    fakeReadyz({ 'http://auth.test/readyz': ready, 'http://project.test/readyz': ready });
    const report = await aggregateHealth(services, { nats: () => Promise.reject(new Error('closed')) }, 1000);
    expect(report).toMatchObject({ status: 'fail', checks: { nats: 'fail', database: 'ok' } });
  });
});
