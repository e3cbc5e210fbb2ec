import { createHash } from 'node:crypto';
import type { ProjectSnapshot } from '@playbook/shared';
import { TEMPLATE_VERSION } from './playbook-template';

/** Same catalog, template and content → same PDF: the key a stored PDF is found by. */
export function pdfCacheKey(snapshot: Pick<ProjectSnapshot, 'catalogVersion' | 'contentVersion'> & { project: { id: string } }): string {
  return createHash('sha256')
    .update(JSON.stringify([snapshot.catalogVersion, TEMPLATE_VERSION, snapshot.contentVersion, snapshot.project.id]))
    .digest('hex')
    .slice(0, 40);
}
