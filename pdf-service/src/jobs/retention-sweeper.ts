import type { Logger } from '@playbook/kit';
import { expirePdfs } from '../domain/delete-pdfs';
import type { PdfUseCaseDeps } from '../domain/pdf-use-case-deps';

export interface RetentionSweeper {
  /** One pass now (tests, and the first pass at start). */
  sweep(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/** Removes expired PDFs every `intervalMs`; passes never overlap, a failed pass is logged and retried next time. */
export function startRetentionSweeper(deps: Pick<PdfUseCaseDeps, 'jobs' | 'files' | 'logger'>, intervalMs: number, logger: Logger): RetentionSweeper {
  let running: Promise<number> | undefined;
  const sweep = (now?: Date) =>
    (running ??= expirePdfs(deps, now)
      .catch((error: unknown) => {
        logger.warn(`removing expired PDFs failed: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
