import { publishEvent, type NatsHandle } from '@playbook/kit/nats';
import type { JobEvents } from '../domain/ports';
import { PDF_JOB_UPDATED_SUBJECT } from './subjects';

/** Announces job changes on JetStream; the event id makes a repeated announcement of one status a no-op. */
export function createJobEvents(nats: NatsHandle): JobEvents {
  return {
    publishJobUpdated: (event) => publishEvent(nats, PDF_JOB_UPDATED_SUBJECT, event, `${event.jobId}:${event.status}`),
  };
}
