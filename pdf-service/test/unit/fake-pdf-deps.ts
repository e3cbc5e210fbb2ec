import { NotFoundError } from '@playbook/kit';
import type { PdfJobUpdatedEvent, PlaybookCatalog, ProjectSnapshot } from '@playbook/contract';
import type { PdfJob } from '../../src/domain/pdf-job';
import type { RenderUseCaseDeps } from '../../src/domain/pdf-use-case-deps';
import type { JobRepository, LabelledCounter, PdfFileStore, RenderInput, StoredPdf } from '../../src/domain/ports';
import { createCapturingLogger } from '../../../test/support/test-env';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A catalog of one phase with a text and a list field, as project-service would send it along. */
export const CATALOG: PlaybookCatalog = {
  version: 'catalog-1',
  phases: [
    {
      id: 'empathize',
      title: 'Empathize',
      summary: 'Learn about the people you design for.',
      color: '#2f6fde',
      sections: [
        {
          id: 'research_plan',
          title: 'Research plan',
          intro: 'Plan before you go out.',
          fields: [
            { id: 'empathize.research_plan.goal', label: 'Research goal', help: 'One sentence.', type: 'text', maxLength: 300 },
            { id: 'empathize.research_plan.questions', label: 'Research questions', help: 'One per line.', type: 'list', maxLength: 4000 },
          ],
        },
      ],
    },
  ],
};

/** A snapshot of project p1 owned by ana at `contentVersion`, with one answer. */
export const snapshotOf = (contentVersion: number, projectId = 'p1', ownerId = 'ana'): ProjectSnapshot => ({
  project: { id: projectId, ownerId, name: 'Clinic visits', description: '', createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' },
  responses: [{ fieldId: 'empathize.research_plan.goal', value: `goal at v${contentVersion}`, updatedAt: '2026-12-01T10:00:00.000Z' }],
  catalog: CATALOG,
  contentVersion,
});

/**
 * In-memory stand-ins for the ports (domain/ports.ts): the job repository, the PDF store, project-service, the
 * work queue, the announcements, the metrics and Chromium. `projects` holds the current
 * snapshot per project id; a missing one answers 404 like project-service.
 */
export function fakePdfDeps() {
  const jobs = new Map<string, PdfJob>();
  const newestByKey = new Map<string, string>();
  const files = new Map<string, StoredPdf & { projectId: string; ownerId: string; pdf: Buffer }>();
  const projects = new Map<string, ProjectSnapshot>([['p1', snapshotOf(1)]]);
  const queued: string[] = [];
  const announced: PdfJobUpdatedEvent[] = [];
  const renders: RenderInput[] = [];
  const counted: string[] = [];
  const calls = { fetchSnapshot: 0, fetchVersion: 0, findLatestForKey: 0, find: 0 };
  const failures = { enqueue: false };
  /** Whether the fake renderer has a page free (a one-call PDF is then rendered in its request). */
  /** `taken`: pages reserved and not yet given back (by a release, or at the end of their render). */
  const pages = { free: false, taken: 0 };
  const captured = createCapturingLogger('fake');
  let nextJob = 1;
  /** Members of each project besides its owner: they may print it too. */
  const members = new Map<string, string[]>();
  const owned = (projectId: string, userId: string) => {
    const snapshot = projects.get(projectId);
    if (!snapshot || (snapshot.project.ownerId !== userId && !members.get(projectId)?.includes(userId))) throw new NotFoundError('Project not found');
    return structuredClone(snapshot);
  };
  const copy = (job: PdfJob | undefined) => (job ? { ...job } : undefined);
  const active = (job: PdfJob | undefined) => job && (job.status === 'queued' || job.status === 'rendering');
  const matches = (record: { projectId: string; ownerId: string }, scope: { projectId: string } | { ownerId: string }) =>
    'projectId' in scope ? record.projectId === scope.projectId : record.ownerId === scope.ownerId;

  const jobRepository: JobRepository = {
    create: async (job) => {
      const now = new Date();
      const created: PdfJob = { ...job, ...(job.heldUntil ? { status: 'rendering', attempts: 1 } : { status: 'queued', attempts: 0 }), createdAt: now, updatedAt: now };
      delete (created as { requestId?: string }).requestId;
      jobs.set(job.jobId, created);
      newestByKey.set(job.cacheKey, job.jobId);
      return { ...created };
    },
    find: async (jobId) => {
      calls.find += 1;
      return copy(jobs.get(jobId));
    },
    findLatestForKey: async (cacheKey, statuses) => {
      calls.findLatestForKey += 1;
      const job = jobs.get(newestByKey.get(cacheKey) ?? '');
      return job && statuses.includes(job.status) ? { ...job } : undefined;
    },
    markRetrying: async (jobId, error) => {
      const job = jobs.get(jobId);
      if (active(job)) Object.assign(job!, { status: 'queued', error, heldUntil: undefined });
    },
    markRendering: async (jobId, attempt) => {
      const job = jobs.get(jobId);
      if (active(job)) Object.assign(job!, { status: 'rendering', attempts: attempt });
    },
    markDone: async (job, render) => {
      // Like the database's update: what others wrote meanwhile (the attempt) stays.
      const done: PdfJob = { ...job, ...jobs.get(job.jobId), ...render, status: 'done', updatedAt: new Date() };
      delete done.error;
      jobs.set(job.jobId, done);
      return { ...done };
    },
    markFailed: async (jobId, error) => {
      const job = jobs.get(jobId);
      if (!active(job)) return undefined;
      Object.assign(job!, { status: 'failed', error, updatedAt: new Date() });
      return { ...job! };
    },
    deleteWhere: async (filter) => {
      const gone = [...jobs.values()].filter((job) => ('expiredBefore' in filter ? job.expiresAt < filter.expiredBefore : matches(job, filter)));
      for (const job of gone) jobs.delete(job.jobId);
      return [...new Set(gone.flatMap((job) => (job.fileId ? [job.fileId] : [])))];
    },
    isFileReferenced: async (fileId) => [...jobs.values()].some((job) => job.fileId === fileId),
  };

  const fileStore: PdfFileStore = {
    findByKey: async (cacheKey, now = new Date()) => {
      const file = files.get(cacheKey);
      return file && file.expiresAt > now ? { fileId: file.fileId, bytes: file.bytes, pages: file.pages, expiresAt: file.expiresAt } : undefined;
    },
    save: async (cacheKey, pdf, metadata) => {
      const stored = { fileId: cacheKey, bytes: pdf.length, pages: metadata.pages, expiresAt: metadata.expiresAt };
      files.set(cacheKey, { ...stored, projectId: metadata.projectId, ownerId: metadata.ownerId, pdf });
      return stored;
    },
    read: async (fileId) => files.get(fileId)?.pdf,
    delete: async (fileId) => void files.delete(fileId),
    findExpired: async (now) => [...files.values()].filter((file) => file.expiresAt <= now).map((file) => file.fileId),
    findWhere: async (scope) => [...files.values()].filter((file) => matches(file, scope)).map((file) => file.fileId),
  };

  const counter = <Label extends string>(name: string): LabelledCounter<Label> => ({
    inc: (labels) => void counted.push(`${name} ${Object.values(labels).join(',')}`),
  });

  const slots = new Map<string, string>();
  const render = async (input: RenderInput) => {
    renders.push(input);
    return { pdf: Buffer.from(`%PDF-1.7 fake render ${renders.length}`), pages: 12, durationMs: 150 };
  };
  const deps: RenderUseCaseDeps = {
    jobs: jobRepository,
    jobSlots: {
      claim: async (ownerId, slot, jobId) => {
        const held = slots.get(`${ownerId}#${slot}`);
        if (held !== undefined) return { claimed: false, heldBy: held };
        slots.set(`${ownerId}#${slot}`, jobId);
        return { claimed: true };
      },
      free: async (ownerId, slot, jobId) => {
        if (slots.get(`${ownerId}#${slot}`) === jobId) slots.delete(`${ownerId}#${slot}`);
      },
      // One process: every place taken was taken here.
      takenHere: (ownerId) => new Set([...slots.keys()].filter((key) => key.startsWith(`${ownerId}#`)).map((key) => Number(key.slice(ownerId.length + 1)))),
    },
    maxJobsPerOwner: 3,
    files: fileStore,
    metrics: { jobs: counter('jobs'), cacheRequests: counter('cache') },
    logger: captured.logger,
    retentionMs: 7 * DAY_MS,
    fetchSnapshot: async (projectId: string, ownerId: string) => {
      calls.fetchSnapshot += 1;
      return owned(projectId, ownerId);
    },
    fetchVersion: async (projectId: string, ownerId: string) => {
      calls.fetchVersion += 1;
      const { catalog, contentVersion } = owned(projectId, ownerId);
      return { catalogVersion: catalog.version, contentVersion };
    },
    enqueue: async (jobId: string) => {
      if (failures.enqueue) throw new Error('no JetStream');
      queued.push(jobId);
    },
    publishJobUpdated: async (event: PdfJobUpdatedEvent) => void announced.push(event),
    renderer: {
      render,
      // A reserved page renders through `renderer.render` as it is then (tests replace it).
      reservePage: () => {
        if (!pages.free) return undefined;
        pages.taken += 1;
        let given = false;
        const giveBack = () => void (given || ((given = true), (pages.taken -= 1)));
        return { render: (input) => deps.renderer.render(input).finally(giveBack), release: giveBack };
      },
    },
    holdMs: 70_000,
    heldHere: new Map(),
  };

  /** A job as requestPdf would have stored it, `ageMs` old. */
  const addJob = (fields: Partial<PdfJob> & Pick<PdfJob, 'cacheKey'>, ageMs = 0) => {
    const at = new Date(Date.now() - ageMs);
    const job: PdfJob = { jobId: `job-${nextJob++}`, projectId: 'p1', ownerId: 'ana', projectName: 'Clinic visits', status: 'queued', attempts: 0, createdAt: at, updatedAt: at, expiresAt: new Date(at.getTime() + 7 * DAY_MS), ...fields };
    jobs.set(job.jobId, job);
    newestByKey.set(job.cacheKey, job.jobId);
    return job;
  };

  return { deps, jobs, slots, files, projects, members, queued, announced, renders, counted, calls, failures, pages, logs: captured.text, addJob };
}
