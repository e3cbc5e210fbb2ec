import { Types } from 'mongoose';

/** The ObjectId a public id stands for, or undefined when it is not one (so a bad id is a 404, not a 400 or 500). */
export function toObjectId(id: string): Types.ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}
