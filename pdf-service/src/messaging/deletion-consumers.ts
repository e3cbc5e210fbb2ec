import { projectDeletedEventSchema, userDeletedEventSchema } from '@playbook/contract';
import { type Logger } from '@playbook/kit';
import { consumeEvents, type MessageConsumer, type NatsHandle } from '@playbook/kit/nats';
import { deletePdfsOf } from '../domain/delete-pdfs';
import type { PdfUseCaseDeps } from '../domain/pdf-use-case-deps';
import { PROJECT_DELETED_CONSUMER, PROJECT_DELETED_SUBJECT, USER_DELETED_CONSUMER, USER_DELETED_SUBJECT } from './subjects';

type DeletionDeps = Pick<PdfUseCaseDeps, 'jobs' | 'files' | 'logger'>;

/** A deleted project takes its stored PDFs with it. */
export const consumeProjectDeletions = (nats: NatsHandle, deps: DeletionDeps, logger: Logger): Promise<MessageConsumer> =>
  consumeEvents(nats, {
    durable: PROJECT_DELETED_CONSUMER,
    subject: PROJECT_DELETED_SUBJECT,
    schema: projectDeletedEventSchema,
    logger,
    handle: (event) => deletePdfsOf(deps, { projectId: event.projectId }).then(() => undefined),
  });

/** A deleted user takes every PDF of theirs with them. */
export const consumeUserDeletions = (nats: NatsHandle, deps: DeletionDeps, logger: Logger): Promise<MessageConsumer> =>
  consumeEvents(nats, {
    durable: USER_DELETED_CONSUMER,
    subject: USER_DELETED_SUBJECT,
    schema: userDeletedEventSchema,
    logger,
    handle: (event) => deletePdfsOf(deps, { ownerId: event.userId }).then(() => undefined),
  });
