const DUPLICATE_KEY = 11000;

/** The database refused a write because a unique key (an `_id`, a unique index) is taken. */
export const isDuplicateKey = (error: unknown): boolean => (error as { code?: unknown })?.code === DUPLICATE_KEY;

/**
 * Inserting a document with a chosen `_id` is the one write FerretDB v1 refuses atomically when the `_id` is
 * taken, so it serves as a claim (a lock, a spent token, a place): true when this insert made it, false when
 * someone else's did.
 */
export async function insertClaim(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Runs an upsert by `_id`, once more if it lost a race: on FerretDB two concurrent upserts of a missing
 * document may both try to insert it, and the second fails with a duplicate key (MongoDB retries that itself).
 * The second attempt finds the document and updates it.
 */
export async function upsertRacing<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return upsert();
  }
}
