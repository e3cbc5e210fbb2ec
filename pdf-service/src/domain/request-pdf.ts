import { randomUUID } from 'node:crypto';
import type { ProjectSnapshot } from '@playbook/contract';
import { TooManyRequestsError } from '@playbook/kit';
import { pdfCacheKey, snapshotCacheKey } from './cache-key';
import type { PdfJob, PdfJobStatus } from './pdf-job';
import type { ReservedPage } from './ports';
import { failJob } from './render-job';
import { announceNews, type PdfUseCaseDeps } from './pdf-use-case-deps';

export interface PdfRequestOutcome {
  job: PdfJob;
  /** The PDF for this exact content is already stored: no render needed. */
  cached: boolean;
  /** This request queued the job (rather than joining one in progress or finding a stored PDF). */
  queued: boolean;
  /** The job is new and held for this request to render on this page from this snapshot (render-here.ts); not queued yet. */
  held?: { page: ReservedPage; snapshot: ProjectSnapshot };
}

export interface RequestPdfOptions {
  /**
   * A new job is held (for `holdMs`: RenderUseCaseDeps.holdMs) for the request to render itself instead of being
   * queued, when a page can be reserved for it.
   */
  renderHere?: { reservePage: () => ReservedPage | undefined; holdMs: number };
}

/** A queued or rendering job older than this is presumed lost and a new one is started. */
const STALE_JOB_MS = 10 * 60 * 1000;

/** The jobs a request for the same content is answered from: a stored PDF, or the requester's render in progress. */
const JOINABLE: PdfJobStatus[] = ['done', 'queued', 'rendering'];

const isStored = (job: PdfJob, now: number) => job.status === 'done' && job.expiresAt.getTime() > now;

/** What a client is told to wait when all its places are taken: about one render's time. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Takes one of the owner's places for a new job: its number, or undefined when all are taken. A finished job gives
 * its place back (render-job.ts); a place whose job finished, failed, vanished or went stale without giving it back
 * (a crash, a lost database write) is freed here and taken, so no place leaks. The places this process's own jobs
 * hold are tried last: an owner's next PDF, asked for while the last one is being stored, takes a free place at
 * the first try instead of reading the holder of each taken one.
 */
async function claimJobSlot(deps: PdfUseCaseDeps, ownerId: string, jobId: string): Promise<number | undefined> {
  const takenHere = deps.jobSlots.takenHere(ownerId);
  const places = Array.from({ length: deps.maxJobsPerOwner }, (_, slot) => slot).sort((a, b) => Number(takenHere.has(a)) - Number(takenHere.has(b)));
  for (const slot of places) {
    const first = await deps.jobSlots.claim(ownerId, slot, jobId);
    if (first.claimed) return slot;
    const holder = await deps.jobs.find(first.heldBy);
    if (holder && holder.status !== 'done' && holder.status !== 'failed' && Date.now() - holder.updatedAt.getTime() < STALE_JOB_MS) continue;
    await deps.jobSlots.free(ownerId, slot, first.heldBy);
    if ((await deps.jobSlots.claim(ownerId, slot, jobId)).claimed) return slot;
  }
  return undefined;
}

/**
 * A stored PDF for the requester. Every member of a project may print it and they share its stored PDFs, but a
 * job is only ever its requester's (job-access.ts): another member's finished job is copied into one of the
 * requester's own, done at once and pointing at the same file.
 */
async function cachedOutcome(deps: PdfUseCaseDeps, job: PdfJob, requesterId: string, requestId?: string): Promise<PdfRequestOutcome> {
  deps.metrics.cacheRequests.inc({ result: 'hit' });
  if (job.ownerId === requesterId) return { job, cached: true, queued: false };
  const { projectId, projectName, cacheKey, fileId, pages, bytes, expiresAt } = job;
  const own = await deps.jobs.create({ jobId: randomUUID(), projectId, ownerId: requesterId, projectName, cacheKey, requestId, expiresAt });
  return { job: await deps.jobs.markDone(own, { fileId: fileId ?? cacheKey, cacheKey, pages: pages ?? 0, bytes: bytes ?? 0, expiresAt }), cached: true, queued: false };
}

/**
 * Starts (or finds) the PDF of a project for a member of it, `ownerId` (the job's owner: the requester). The
 * cache key comes from (catalog, template, content version, project): the versions alone are asked for first,
 * so a stored PDF is served without the answers ever being read; otherwise the snapshot comes from
 * project-service, the requester's render in progress is joined, or a job goes to the work queue — 429 when
 * the requester already has `maxJobsPerOwner` jobs in progress, so one user cannot fill the queue everyone
 * shares. Another member's render in progress is not joined: the requester's own job finds its PDF stored
 * when that render is done, or renders it. With `renderHere` and a page free, a new job is not queued but handed
 * back held, with its page, for the request to render itself (render-here.ts).
 */
export async function requestPdf(deps: PdfUseCaseDeps, ownerId: string, projectId: string, requestId?: string, { renderHere }: RequestPdfOptions = {}): Promise<PdfRequestOutcome> {
  const version = await deps.fetchVersion(projectId, ownerId);
  const versionKey = pdfCacheKey(projectId, version);
  const stored = await deps.jobs.findLatestForKey(versionKey, JOINABLE);
  if (stored && isStored(stored, Date.now())) return cachedOutcome(deps, stored, ownerId, requestId);
  // The snapshot may be newer than the versions just read (a save in between): its own key decides.
  const snapshot = await deps.fetchSnapshot(projectId, ownerId);
  const cacheKey = snapshotCacheKey(snapshot);
  // Usually the same key, already looked up: a miss reads the database once, not twice.
  const latest = cacheKey === versionKey ? stored : await deps.jobs.findLatestForKey(cacheKey, JOINABLE);
  const now = Date.now();
  if (latest && isStored(latest, now)) return cachedOutcome(deps, latest, ownerId, requestId);
  if (latest && latest.ownerId === ownerId && latest.status !== 'done' && now - latest.updatedAt.getTime() < STALE_JOB_MS) return { job: latest, cached: false, queued: false };
  deps.metrics.cacheRequests.inc({ result: 'miss' });
  const jobId = randomUUID();
  const slot = await claimJobSlot(deps, ownerId, jobId);
  if (slot === undefined) {
    throw new TooManyRequestsError(BUSY_RETRY_AFTER_SECONDS, `${deps.maxJobsPerOwner} of your PDFs are being made already; retry when one is done`);
  }
  // A page only now that a render is needed: a cached or joined request never takes one.
  const page = renderHere?.reservePage();
  const job = await deps.jobs.create({
    jobId,
    projectId,
    ownerId,
    projectName: snapshot.project.name,
    cacheKey,
    requestId,
    expiresAt: new Date(now + deps.retentionMs),
    slot,
    ...(page && renderHere ? { heldUntil: new Date(now + renderHere.holdMs) } : {}),
  }).catch((error: unknown) => {
    page?.release();
    throw error;
  });
  if (page) return { job, cached: false, queued: false, held: { page, snapshot } };
  // Announced before a worker can take it, so `queued` never arrives after `rendering`.
  await announceNews(deps, { jobId, projectId, ownerId, status: 'queued' });
  try {
    await deps.enqueue(job.jobId, snapshot);
  } catch (error) {
    // The queue's error is the one to answer with, at once: when NATS is down, announcing the failure would
    // wait for its own timeout (a CI run saw 503 after 10 s: the queue's 5 s, then the announcement's).
    await failJob(deps, job.jobId, 'The job could not be queued', { awaitAnnouncement: false }).catch(() => undefined);
    throw error;
  }
  return { job, cached: false, queued: true };
}
