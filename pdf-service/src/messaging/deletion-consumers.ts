import {
  consumeEvents,
  projectDeletedEventSchema,
  userDeletedEventSchema,
  type EventConsumer,
  type Logger,
  type NatsHandle,
} from '@playbook/shared';
import { deletePdfsOf } from '../domain/delete-pdfs';
import type { PdfUseCaseDeps } from '../domain/pdf-use-case-deps';
import { PROJECT_DELETED_CONSUMER, PROJECT_DELETED_SUBJECT, USER_DELETED_CONSUMER, USER_DELETED_SUBJECT } from './subjects';

/** A deleted project or user takes its stored PDFs with it. */
export async function startDeletionConsumers(nats: NatsHandle, deps: Pick<PdfUseCaseDeps, 'jobs' | 'files' | 'logger'>, logger: Logger): Promise<EventConsumer[]> {
  return Promise.all([
    consumeEvents(nats, {
      durable: PROJECT_DELETED_CONSUMER,
      subject: PROJECT_DELETED_SUBJECT,
      schema: projectDeletedEventSchema,
      logger,
      handle: (event) => deletePdfsOf(deps, { projectId: event.projectId }).then(() => undefined),
    }),
    consumeEvents(nats, {
      durable: USER_DELETED_CONSUMER,
      subject: USER_DELETED_SUBJECT,
      schema: userDeletedEventSchema,
      logger,
      handle: (event) => deletePdfsOf(deps, { ownerId: event.userId }).then(() => undefined),
    }),
  ]);
}
