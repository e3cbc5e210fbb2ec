import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './app-error';

/**
 * Names every bad field of a zod failure, e.g. `{ path: "responses.3.value", message: "Too long" }`; an issue
 * of the input as a whole (an unknown key, a wrong type) is named `root`.
 */
export function toFieldProblems(error: z.ZodError, root = '(body)'): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || root,
    message: issue.message,
  }));
}

/** Parses `input` with `schema` or throws a 400 that lists every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = toFieldProblems(result.error, what === 'request body' ? '(body)' : `(${what})`);
  throw new ValidationError(`Invalid ${what}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
}
