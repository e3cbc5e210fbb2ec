import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { LockRepository } from '../domain/ports';
import { ownerProjectsModel, projectModel, type ListedProject } from './project-model';

/*
 * Before the owners' lists of project-model.ts, the list of an owner's projects was a query by `ownerId`. This adds every project missing from its owner's list: all of them after an upgrade, those that
 * pods of the older version create during a rolling upgrade on later passes. Idempotent: each owner's list is
 * re-read under the owner's lock before it is extended, so a pass never lists a project twice.
 */

export interface BackfillResult {
  /** Projects added to their owner's list. */
  added: number;
  /** Owners whose lock was held: left for the next pass. */
  skipped: number;
}

export async function addUnlistedProjects(connection: Connection, ownerLocks: LockRepository, now: () => Date): Promise<BackfillResult> {
  const projects = projectModel(connection);
  const owners = ownerProjectsModel(connection);
  const listed = new Set<string>();
  for await (const list of owners.find({}).lean().cursor()) for (const entry of list.projects) listed.add(entry.id.toHexString());
  const unlisted = new Map<string, ListedProject[]>();
  for await (const project of projects.find({}, { ownerId: 1, createdAt: 1 }).lean().cursor()) {
    if (listed.has(project._id.toHexString())) continue;
    const entries = unlisted.get(project.ownerId) ?? [];
    entries.push({ id: project._id, createdAt: project.createdAt });
    unlisted.set(project.ownerId, entries);
  }

  const result: BackfillResult = { added: 0, skipped: 0 };
  for (const [ownerId, entries] of unlisted) {
    const writeId = randomUUID();
    if (!(await ownerLocks.claim(ownerId, { writeId, startedAt: now() }))) {
      result.skipped++;
      continue;
    }
    try {
      const current = new Set((await owners.findOne({ _id: ownerId }).lean())?.projects.map((entry) => entry.id.toHexString()));
      const missing = entries.filter((entry) => !current.has(entry.id.toHexString()));
      if (missing.length > 0) await owners.updateOne({ _id: ownerId }, { $push: { projects: { $each: missing } } }, { upsert: true });
      result.added += missing.length;
    } finally {
      await ownerLocks.release(ownerId, writeId);
    }
  }
  return result;
}
