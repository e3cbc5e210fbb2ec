import { insertClaim } from '@playbook/kit/mongo';
import type { Connection } from 'mongoose';
import type { JobSlots } from '../domain/ports';

const COLLECTION = 'pdf_job_slots';

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
  return {
    async claim(ownerId, slot, jobId) {
      const _id = idOf(ownerId, slot);
      if (await insertClaim(() => slots.insertOne({ _id, jobId, claimedAt: new Date() }))) return { claimed: true };
      // Freed between the insert and this read: reported as held by nobody, so the caller frees and retries.
      return { claimed: false, heldBy: (await slots.findOne({ _id }))?.jobId ?? '' };
    },
    async free(ownerId, slot, jobId) {
      // By `_id` alone after a look at the holder: any other filter reads the whole collection on the embedded
      // database. Two requests of one owner freeing the same place at once may let one job more through.
      const _id = idOf(ownerId, slot);
      if ((await slots.findOne({ _id }))?.jobId === jobId) await slots.deleteOne({ _id });
    },
  };
}
