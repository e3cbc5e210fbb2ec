import { projectSnapshotSchema, projectVersionSchema, type ProjectSnapshotRequest } from '@playbook/contract';
import type { ServiceMetrics } from '@playbook/kit';
import { natsRequest, type NatsHandle } from '@playbook/kit/nats';
import type { ProjectSource } from '../domain/ports';
import { PROJECT_SNAPSHOT_SUBJECT, PROJECT_VERSION_SUBJECT } from './subjects';

const request = (projectId: string, userId: string): ProjectSnapshotRequest => ({ projectId, userId });

export interface ProjectRequestOptions {
  timeoutMs: number;
  metrics: ServiceMetrics;
}

/**
 * Asks project-service for a project's snapshot or versions on behalf of `userId`, the user asking for the PDF
 * (any member of the project may); its error replies (404 for anyone else) arrive as the same AppError.
 */
export function createProjectSource(nats: NatsHandle, { timeoutMs, metrics }: ProjectRequestOptions): ProjectSource {
  return {
    fetchSnapshot: (projectId, userId) =>
      natsRequest(nats, { subject: PROJECT_SNAPSHOT_SUBJECT, payload: request(projectId, userId), responseSchema: projectSnapshotSchema, timeoutMs, metrics }),
    fetchVersion: (projectId, userId) =>
      natsRequest(nats, { subject: PROJECT_VERSION_SUBJECT, payload: request(projectId, userId), responseSchema: projectVersionSchema, timeoutMs, metrics }),
  };
}
