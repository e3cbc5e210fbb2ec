import { NotFoundError } from '@playbook/kit';

/** Unknown id, malformed id and a project the caller is no member of all get this same answer (never 403: no existence leak). */
export const projectNotFound = () => new NotFoundError('Project not found');
