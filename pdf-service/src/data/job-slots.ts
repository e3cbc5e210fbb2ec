import { LRUCache } from 'lru-cache';
import { insertClaim } from '@playbook/kit/mongo';
import type { Connection } from 'mongoose';
import type { JobSlots } from '../domain/ports';

const COLLECTION = 'pdf_job_slots';
/** Owners whose places this process remembers taking (a few bytes each). */
const OWNERS_REMEMBERED = 10_000;

/** One owner's place for a job in progress: `_id` is `<owner>#<slot>`. */
interface SlotDocument {
  _id: string;
  jobId: string;
  claimedAt: Date;
}

/** The owners' places for jobs in progress (see JobSlots in domain/ports.ts). */
export function createJobSlots(connection: Connection): JobSlots {
  const slots = connection.db!.collection<SlotDocument>(COLLECTION);
  const idOf = (ownerId: string, slot: number) => `${ownerId}#${slot}`;
  /**
   * Per owner, the places this process's jobs took: place → job. A place freed by another replica (which rendered
   * the job) stays listed until this process takes it again, so only the owners seen last are kept.
   */
  const takenHere = new LRUCache<string, Map<number, string>>({ max: OWNERS_REMEMBERED });
  const forget = (ownerId: string, slot: number, jobId: string) => {
    const own = takenHere.get(ownerId);
    if (own?.get(slot) !== jobId) return;
    own.delete(slot);
    if (own.size === 0) takenHere.delete(ownerId);
  };
  return {
    async claim(ownerId, slot, jobId) {
      const _id = idOf(ownerId, slot);
      if (await insertClaim(() => slots.insertOne({ _id, jobId, claimedAt: new Date() }))) {
        takenHere.set(ownerId, (takenHere.get(ownerId) ?? new Map<number, string>()).set(slot, jobId));
        return { claimed: true };
      }
      // Freed between the insert and this read: reported as held by nobody, so the caller frees and retries.
      return { claimed: false, heldBy: (await slots.findOne({ _id }))?.jobId ?? '' };
    },
    async free(ownerId, slot, jobId) {
      // By `_id` alone after a look at the holder: any other filter reads the whole collection on the embedded
      // database. Two requests of one owner freeing the same place at once may let one job more through.
      const _id = idOf(ownerId, slot);
      // Forgotten first: should the database fail, the next claim tries this place early and frees it (its job is over).
      forget(ownerId, slot, jobId);
      if ((await slots.findOne({ _id }))?.jobId === jobId) await slots.deleteOne({ _id });
    },
    takenHere: (ownerId) => new Set(takenHere.get(ownerId)?.keys()),
  };
}
