import { USER_LOOKUP_SUBJECT, userLookupReplySchema } from '@playbook/contract';
import { createLogger } from '@playbook/kit';
import { connectNats, natsRequest, type NatsHandle } from '@playbook/kit/nats';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { startTestAuthService, type TestAuthService } from '../../test/support/auth-service';

describe('auth.v1.email.lookup: who an email belongs to, for project-service adding members', () => {
  let natsServer: TestNatsServer;
  let nats: NatsHandle;
  let auth: TestAuthService;

  beforeAll(async () => {
    natsServer = await startNatsServer();
    // As project-service: the one identity allowed to ask.
    nats = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('project-service'), name: 'lookup-test', logger: createLogger({ service: 'test', level: 'error' }) });
    auth = await startTestAuthService({ nats: natsServer });
  });
  afterAll(async () => {
    await auth?.stop();
    await nats?.drain();
    await natsServer?.destroy();
  });

  const lookup = (email: string) => natsRequest(nats, { subject: USER_LOOKUP_SUBJECT, payload: { email }, responseSchema: userLookupReplySchema, timeoutMs: 5000 });

  it('answers the account id of a registered email, however it is cased or padded, and 404 for any other', async () => {
    const registered = await auth.registerUser();
    expect(await lookup(registered.user.email)).toEqual({ userId: registered.user.id });
    expect(await lookup(`  ${registered.user.email.toUpperCase()} `)).toEqual({ userId: registered.user.id });
    await expect(lookup('nobody-here@example.com')).rejects.toMatchObject({ status: 404 });
  });
});
