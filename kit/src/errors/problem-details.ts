import { AppError, type FieldProblem } from './app-error';

/** RFC 9457 problem details, as every error answer of the public API carries them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  traceId?: string;
  errors?: FieldProblem[];
}

export const problemType = (code: string) => `urn:playbook:problem:${code}`;

/** Maps any thrown value to problem details; anything that is not an AppError is an internal error and says nothing more. */
export function toProblemDetails(error: unknown, traceId?: string): ProblemDetails {
  if (error instanceof AppError) {
    return {
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      detail: error.detail ?? error.title,
      traceId,
      ...(error.errors?.length ? { errors: error.errors } : {}),
    };
  }
  return { type: problemType('internal'), title: 'Internal server error', status: 500, detail: 'Something went wrong on our side', traceId };
}
