import type { PdfUseCaseDeps } from './pdf-use-case-deps';

type Scope = { projectId: string } | { ownerId: string };

/**
 * Removes every job and stored PDF of a project or of a user (their project or account was deleted). A PDF a
 * deleted user rendered of a project shared with others stays while another member's job points at it: it
 * is the project's, which lives on (docs/teams.md).
 */
export async function deletePdfsOf(deps: Pick<PdfUseCaseDeps, 'jobs' | 'files' | 'logger'>, scope: Scope): Promise<number> {
  const fromJobs = await deps.jobs.deleteWhere(scope);
  const fromFiles = await deps.files.findWhere(scope);
  const fileIds: string[] = [];
  for (const fileId of new Set([...fromJobs, ...fromFiles])) {
    if ('ownerId' in scope && (await deps.jobs.isFileReferenced(fileId))) continue;
    fileIds.push(fileId);
  }
  for (const fileId of fileIds) await deps.files.delete(fileId);
  if (fileIds.length > 0) deps.logger.info(`deleted ${fileIds.length} stored PDF(s) of ${'projectId' in scope ? `project ${scope.projectId}` : `user ${scope.ownerId}`}`);
  return fileIds.length;
}

/** Removes jobs and PDFs past their retention (PDF_RETENTION_DAYS). */
export async function expirePdfs(deps: Pick<PdfUseCaseDeps, 'jobs' | 'files' | 'logger'>, now = new Date()): Promise<number> {
  const fromJobs = await deps.jobs.deleteWhere({ expiredBefore: now });
  const expiredFiles = await deps.files.findExpired(now);
  let deleted = 0;
  for (const fileId of new Set([...fromJobs, ...expiredFiles])) {
    // A file shared with a newer, unexpired job stays until that job expires too.
    if (!expiredFiles.includes(fileId) && (await deps.jobs.isFileReferenced(fileId))) continue;
    await deps.files.delete(fileId);
    deleted += 1;
  }
  if (deleted > 0) deps.logger.info(`removed ${deleted} expired PDF(s)`);
  return deleted;
}
