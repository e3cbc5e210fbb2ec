import type { TestEmbeddedDb } from './embedded-db';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __embeddedDb?: TestEmbeddedDb }).__embeddedDb?.destroy();
}
