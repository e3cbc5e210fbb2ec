import type { PdfJobUpdatedEvent, ProjectSnapshot, ProjectVersion } from '@playbook/contract';
import type { PdfJob, PdfJobStatus } from './pdf-job';

/*
 * What the PDF use cases need from the outside, as plain types: data/ implements the job repository and the
 * file store, messaging/ the requests to project-service and the announcements, jobs/ the work queue,
 * rendering/ the renderer and pdf-metrics.ts the counters; the composition root wires them.
 */

/** A job as requestPdf creates it; the repository adds status, attempts and timestamps. */
export interface NewJob {
  jobId: string;
  projectId: string;
  /** The user who asked for the PDF (a member of the project, not necessarily its owner): the job is theirs alone. */
  ownerId: string;
  projectName: string;
  cacheKey: string;
  requestId?: string;
  expiresAt: Date;
  /** The owner's place the job took (JobSlots). */
  slot?: number;
  /**
   * Set when the request that started the job renders it itself (render-here.ts): the job starts `rendering`, and
   * until this moment the work queue's delivery of it waits for that render instead of starting its own.
   */
  heldUntil?: Date;
}

/** The stored PDF a finished job points at. */
export interface FinishedRender {
  fileId: string;
  cacheKey: string;
  pages: number;
  bytes: number;
  expiresAt: Date;
}

/** Whose PDFs: one project's or one owner's. */
export type PdfScope = { projectId: string } | { ownerId: string };

export interface JobRepository {
  create(job: NewJob): Promise<PdfJob>;
  find(jobId: string): Promise<PdfJob | undefined>;
  /**
   * The newest job for this content if its status is one of `statuses`; when `statuses` has `done`, a done job of
   * this content still before its expiry may be answered instead (its PDF is as good as a newer one's).
   */
  findLatestForKey(cacheKey: string, statuses: PdfJobStatus[]): Promise<PdfJob | undefined>;
  markRendering(jobId: string, attempt: number): Promise<void>;
  /** Back to the queue after a failed attempt that will be redelivered; ends a hold (NewJob.heldUntil). */
  markRetrying(jobId: string, error: string): Promise<void>;
  /** Records the stored PDF on the job; returns the job as it now is. */
  markDone(job: PdfJob, render: FinishedRender): Promise<PdfJob>;
  /** Fails a job still queued or rendering; undefined when it had already finished (or is gone). */
  markFailed(jobId: string, error: string): Promise<PdfJob | undefined>;
  /** Removes the jobs matching and returns the stored files they pointed at. */
  deleteWhere(filter: PdfScope | { expiredBefore: Date }): Promise<string[]>;
  /** Whether any job still points at this file (several jobs can share one PDF). */
  isFileReferenced(fileId: string): Promise<boolean>;
}

/**
 * Each owner's numbered places for jobs in progress (queued or rendering); taking a free one is the one write
 * the embedded database refuses atomically when it is taken (inserting a document with a chosen `_id`).
 */
export interface JobSlots {
  /** Takes place `slot` of `ownerId` for `jobId`: `held` names the job that holds it when it was taken. */
  claim(ownerId: string, slot: number, jobId: string): Promise<{ claimed: true } | { claimed: false; heldBy: string }>;
  /** Frees place `slot` if `jobId` still holds it. */
  free(ownerId: string, slot: number, jobId: string): Promise<void>;
  /** The places of `ownerId` that jobs of this process took and have not freed: surely taken, so tried last. */
  takenHere(ownerId: string): ReadonlySet<number>;
}

export interface StoredPdf {
  /** The stored file's name: the PDF's cache key. */
  fileId: string;
  bytes: number;
  pages: number;
  expiresAt: Date;
}

export interface PdfFileMetadata {
  projectId: string;
  ownerId: string;
  pages: number;
  expiresAt: Date;
}

/** Finished PDFs, one per cache key. */
export interface PdfFileStore {
  /** The unexpired PDF stored for this cache key, if any. */
  findByKey(cacheKey: string, now?: Date): Promise<StoredPdf | undefined>;
  save(cacheKey: string, pdf: Buffer, metadata: PdfFileMetadata): Promise<StoredPdf>;
  /** The PDF's bytes, or undefined when it is gone (expired or deleted meanwhile). */
  read(fileId: string): Promise<Buffer | undefined>;
  delete(fileId: string): Promise<void>;
  /** PDFs past their expiry (their jobs may already be gone). */
  findExpired(now: Date): Promise<string[]>;
  /** PDFs of a project or an owner, for deletions that must not leave one behind. */
  findWhere(filter: PdfScope): Promise<string[]>;
}

/** What to print: a whole HTML document plus Chromium's header and footer templates. */
export interface RenderInput {
  html: string;
  headerTemplate: string;
  footerTemplate: string;
}

export interface RenderedPdf {
  pdf: Buffer;
  pages: number;
  durationMs: number;
}

/** Turns a document into PDF bytes. */
export interface DocumentRenderer {
  render(input: RenderInput): Promise<RenderedPdf>;
  /** One of the pages, taken now when one is free (otherwise undefined): its render starts without waiting in line. */
  reservePage(): ReservedPage | undefined;
}

export interface ReservedPage {
  /** Renders on the reserved page, and gives it back after. */
  render(input: RenderInput): Promise<RenderedPdf>;
  /** Gives the page back unused. */
  release(): void;
}

/** A counter with labels, as the use cases count jobs and cache requests. */
export interface LabelledCounter<Label extends string> {
  inc(labels: Record<Label, string>): void;
}

export interface JobMetrics {
  jobs: LabelledCounter<'status'>;
  cacheRequests: LabelledCounter<'result'>;
}

/** project-service, asked over NATS request/reply on behalf of the user asking for the PDF. */
export interface ProjectSource {
  /** project.v1.snapshot.get: 404 when the project does not exist or `userId` is no member of it. */
  fetchSnapshot(projectId: string, userId: string): Promise<ProjectSnapshot>;
  /** project.v1.version.get: the snapshot's versions without the answers; 404 like the snapshot. */
  fetchVersion(projectId: string, userId: string): Promise<ProjectVersion>;
}

/** The work queue the render workers pull from. */
export interface RenderQueue {
  /** Queues the job; the snapshot rides along when small. */
  enqueue(jobId: string, snapshot: ProjectSnapshot): Promise<void>;
}

/** Waiting for a job that any replica may finish. */
export interface JobWaiting {
  /**
   * Resolves with `check()`'s answer once it is defined: checked at once, then again whenever the job is
   * announced finished, until `timeoutMs` passes (then undefined).
   */
  waitFor<T>(jobId: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T | undefined>;
}

/** What the use cases tell the other services and the replicas waiting for a job. */
export interface JobEvents {
  publishJobUpdated(event: PdfJobUpdatedEvent): Promise<void>;
}
