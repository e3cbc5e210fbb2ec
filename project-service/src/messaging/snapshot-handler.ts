import { projectSnapshotRequestSchema, type ProjectSnapshot, type ProjectVersion } from '@playbook/contract';
import { serveRequests, type NatsHandle, type RequestResponder } from '@playbook/kit/nats';
import type { ProjectDeps } from '../domain/project-deps';
import { readResponses } from '../domain/save-responses';
import { readContentVersion } from '../domain/project-state';
import { PROJECT_SNAPSHOT_SUBJECT, PROJECT_VERSION_SUBJECT, SNAPSHOT_QUEUE } from './subjects';

/** Answers `project.v1.snapshot.get`: the project, its answers and versions, for any member (docs/teams.md); a 404 reply for anyone else. */
export function serveSnapshots(nats: NatsHandle, deps: ProjectDeps): RequestResponder {
  return serveRequests(nats, {
    subject: PROJECT_SNAPSHOT_SUBJECT,
    schema: projectSnapshotRequestSchema,
    queue: SNAPSHOT_QUEUE,
    logger: deps.logger,
    handle: async ({ projectId, userId }): Promise<ProjectSnapshot> => {
      const { project, answers } = await readResponses(deps, userId, projectId, 'renderPdf');
      return {
        project: {
          id: project.id,
          ownerId: project.ownerId,
          name: project.name,
          description: project.description,
          createdAt: project.createdAt.toISOString(),
          updatedAt: project.updatedAt.toISOString(),
        },
        responses: answers.map(({ fieldId, value, updatedAt }) => ({ fieldId, value, updatedAt: updatedAt.toISOString() })),
        catalog: deps.catalog,
        contentVersion: project.contentVersion,
      };
    },
  });
}

/** Answers `project.v1.version.get`: the content and catalog versions only, so a cached PDF is found without reading the answers. */
export function serveVersions(nats: NatsHandle, deps: ProjectDeps): RequestResponder {
  return serveRequests(nats, {
    subject: PROJECT_VERSION_SUBJECT,
    schema: projectSnapshotRequestSchema,
    queue: SNAPSHOT_QUEUE,
    logger: deps.logger,
    handle: async ({ projectId, userId }): Promise<ProjectVersion> => ({
      contentVersion: await readContentVersion(deps, userId, projectId),
      catalogVersion: deps.catalog.version,
    }),
  });
}
