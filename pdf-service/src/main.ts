import { listen, loadConfig, openServiceRuntime, runService, type Logger, type RunningService } from '@playbook/shared';
import { createApp } from './app';
import { pdfConfigSchema, type PdfConfig } from './config';

/** Composition root: config → connections → app → listening service with an ordered shutdown. */
export async function startPdfService(config: PdfConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'pdf-service', config, dbName: config.MONGO_DB, logger });
  return listen(runtime, createApp(runtime), { port: config.PORT });
}

if (require.main === module) runService('pdf-service', () => startPdfService(loadConfig(pdfConfigSchema)));
