import { createHash } from 'node:crypto';
import type { ProjectSnapshot, ProjectVersion } from '@playbook/contract';
import { TEMPLATE_VERSION } from './playbook-template';

/** Same catalog, template and content → same PDF: the key a stored PDF is found by. */
export function pdfCacheKey(projectId: string, { catalogVersion, contentVersion }: ProjectVersion): string {
  return createHash('sha256').update(JSON.stringify([catalogVersion, TEMPLATE_VERSION, contentVersion, projectId])).digest('hex').slice(0, 40);
}

/** The key of the PDF a snapshot renders to: its catalog's version, not the one pdf-service was built with. */
export const snapshotCacheKey = (snapshot: ProjectSnapshot): string =>
  pdfCacheKey(snapshot.project.id, { catalogVersion: snapshot.catalog.version, contentVersion: snapshot.contentVersion });
