import { projectSnapshotSchema, projectVersionSchema } from '@playbook/contract';
import type { ServiceMetrics } from '@playbook/kit';
import { natsRequest, type NatsHandle } from '@playbook/kit/nats';
import type { ProjectSource } from '../domain/ports';
import { PROJECT_SNAPSHOT_SUBJECT, PROJECT_VERSION_SUBJECT } from './subjects';

export interface ProjectRequestOptions {
  timeoutMs: number;
  metrics: ServiceMetrics;
}

/** Asks project-service for a project's snapshot or versions; its error replies (404) arrive as the same AppError. */
export function createProjectSource(nats: NatsHandle, { timeoutMs, metrics }: ProjectRequestOptions): ProjectSource {
  return {
    fetchSnapshot: (projectId, ownerId) =>
      natsRequest(nats, { subject: PROJECT_SNAPSHOT_SUBJECT, payload: { projectId, ownerId }, responseSchema: projectSnapshotSchema, timeoutMs, metrics }),
    fetchVersion: (projectId, ownerId) =>
      natsRequest(nats, { subject: PROJECT_VERSION_SUBJECT, payload: { projectId, ownerId }, responseSchema: projectVersionSchema, timeoutMs, metrics }),
  };
}
