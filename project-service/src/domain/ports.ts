import type { ProjectMembershipChangedEvent } from '@playbook/contract';
import type { ProjectMember } from './project-roles';

/*
 * What the project use cases need from the outside, as plain types: data/ implements the repositories over
 * mongoose, messaging/ the events over NATS, and the composition root wires them.
 */

/** A project as the use cases see it. */
export interface Project {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  contentVersion: number;
  createdAt: Date;
  updatedAt: Date;
  /** The members besides the owner (project-roles.ts); none for a project stored before members existed. */
  members: ProjectMember[];
}

/** Where a page of the newest-first list ended. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

/** One answer to write; an empty value removes the answer. */
export interface AnswerWrite {
  fieldId: string;
  value: string;
}

/** One stored answer. */
export interface StoredAnswer {
  fieldId: string;
  value: string;
  updatedAt: Date;
}

/** A project's answers and the content version of the save that wrote them last. */
export interface AnswerSet {
  answers: StoredAnswer[];
  version: number;
}

/** The one change in progress on a project, or on an owner's list of projects. */
export interface ProjectLock {
  writeId: string;
  startedAt: Date;
}

/**
 * Projects, and each user's list of the projects they may see (owned, or shared with them as a member). A
 * malformed id is simply not found.
 */
export interface ProjectRepository {
  /** Adds the project to its owner's list too; the caller holds the owner's lock. */
  create(input: { ownerId: string; name: string; description: string; now: Date }): Promise<Project>;
  /** The project by id, whoever it belongs to: the use cases check the caller's role (project-roles.ts). */
  find(id: string): Promise<Project | undefined>;
  /** The projects on the user's list that they own or are a member of, newest first by (createdAt, id), strictly after `after`: stable while new projects are created. */
  listFor(userId: string, limit: number, after?: ListPosition): Promise<Project[]>;
  /** Changes name/description and sets the content version the change makes. */
  update(id: string, changes: { name?: string; description?: string }, contentVersion: number, now: Date): Promise<Project | undefined>;
  /** Records the content version a save of answers made (or one found ahead of the project after a crash). */
  setContentVersion(id: string, contentVersion: number, now: Date): Promise<Project | undefined>;
  /** Stores who owns the project and its other members (without touching its content version); the caller holds the project's lock. */
  setMembership(id: string, membership: { ownerId: string; members: ProjectMember[] }): Promise<void>;
  /** Removes the project and its place in the owner's list; the caller holds the owner's lock. */
  delete(project: Pick<Project, 'id' | 'ownerId'>): Promise<void>;
  /**
   * Puts the project on the user's list (no-op when it is there), or updates whether it is there as
   * `shared` (a member's, not counted against the user's own projects); the caller holds the user's lock.
   */
  listProject(userId: string, entry: { id: string; createdAt: Date; shared: boolean }): Promise<void>;
  /** Takes the project off the user's list; the caller holds the user's lock. */
  unlistProject(userId: string, projectId: string): Promise<void>;
  /** The ids of every project on the user's list, owned or shared. */
  listedIds(userId: string): Promise<string[]>;
  /** How many of the projects on the owner's list are their own, and whether the owner's account was deleted. */
  ownerState(ownerId: string): Promise<{ projects: number; deleted: boolean }>;
  /** Marks the owner's account deleted for good (idempotent); the caller holds the owner's lock. */
  markOwnerDeleted(ownerId: string, at: Date): Promise<void>;
  listIdsOwnedBy(ownerId: string): Promise<string[]>;
  deleteOwnedBy(ownerId: string): Promise<number>;
}

/** The answers of each project, written a whole save at a time. */
export interface AnswerRepository {
  read(projectId: string): Promise<AnswerSet | undefined>;
  /** Writes a whole save at once: a value sets its answer, an empty value removes it; records the version the save made. */
  save(projectId: string, writes: AnswerWrite[], version: number, now: Date): Promise<void>;
  /** The number of answer sets removed (0 or 1). */
  delete(projectId: string): Promise<number>;
}

/** Locks keyed by a project's or an owner's id: claimed by inserting, released by deleting. */
export interface LockRepository {
  /** True when this caller now holds the lock; false when someone else does. */
  claim(key: string, lock: ProjectLock): Promise<boolean>;
  find(key: string): Promise<ProjectLock | undefined>;
  /** Moves the held lock's `startedAt` to `at`: its holder is still at work. */
  renew(key: string, writeId: string, at: Date): Promise<void>;
  release(key: string, writeId: string): Promise<void>;
  releaseAll(keys: string[]): Promise<void>;
}

/** What the use cases tell the rest of the system. */
export interface ProjectEvents {
  projectUpdated(project: Project): Promise<void>;
  projectDeleted(project: Pick<Project, 'id' | 'ownerId' | 'members'>): Promise<void>;
  /** One member's role changed (null: removed); `memberIds` and `ownerId` as they are after the change. */
  membershipChanged(event: ProjectMembershipChangedEvent): Promise<void>;
}

/** auth-service's accounts, asked by email (it owns them). */
export interface UserDirectory {
  /** The id of the account with this (normalized) email, undefined when there is none. */
  findUserIdByEmail(email: string): Promise<string | undefined>;
}
