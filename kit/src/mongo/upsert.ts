const DUPLICATE_KEY = 11000;

/**
 * Runs an upsert by `_id`, once more if it lost a race: on FerretDB two concurrent upserts of a missing
 * document may both try to insert it, and the second fails with a duplicate key (MongoDB retries that itself).
 * The second attempt finds the document and updates it.
 */
export async function upsertRacing<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
    return upsert();
  }
}
