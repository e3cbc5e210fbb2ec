import { loadConfig } from '@playbook/kit';
import { connectNats, type NatsHandle } from '@playbook/kit/nats';
import { createLogger } from '@playbook/kit';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { pdfConfigSchema } from '../src/config';
import { PDF_OBJECT_STORE } from '@playbook/contract';
import { startPdfService } from '../src/main';
import { isAlive } from './support/standalone-renderer';

describe('pdf-service start', () => {
  let natsServer: TestNatsServer;
  let nats: NatsHandle;
  beforeAll(async () => {
    natsServer = await startNatsServer();
    nats = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'pdf-start-test', logger: createLogger({ service: 'test', level: 'error' }) });
  });
  afterAll(async () => {
    await nats?.drain();
    await natsServer?.destroy();
  });

  it('closes the Chromium it launched when a later dependency fails to start', async () => {
    // A stream that already claims the object store's subjects: creating the "pdfs" bucket, after the browser, fails.
    const jsm = await nats.connection.jetstreamManager();
    await jsm.streams.add({ name: 'SQUATTER', subjects: [`$O.${PDF_OBJECT_STORE}.>`] });
    const logs = createCapturingLogger('pdf-service');
    const config = loadConfig(pdfConfigSchema, { NODE_ENV: 'test', ...natsServer.env('pdf-service'), MONGO_URL: testMongoUrl(), MONGO_DB: uniqueDbName('pdfstart'), PORT: '0', PDF_PAGE_POOL_SIZE: '1' });

    await expect(startPdfService(config, logs.logger)).rejects.toThrow();

    const launched = logs.text().match(/Chromium started \(pid (\d+)\)/);
    expect(launched).not.toBeNull();
    expect(isAlive(Number(launched![1]))).toBe(false);
  }, 60_000);
});
