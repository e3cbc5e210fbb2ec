import { ErrorCode, NatsError } from 'nats';
import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { ServiceMetrics } from '../metrics/metrics';
import { inSpan, natsAttributes, SpanKind } from '../tracing/trace-context';
import { NatsNoRespondersError, NatsTimeoutError, NatsUnavailableError } from './nats-errors';
import type { NatsHandle } from './nats-connection';
import { decodeJson, encodeJson, requestIdHeaders, type Reply } from './nats-messages';

export interface NatsRequestOptions<S extends z.ZodType> {
  subject: string;
  payload: unknown;
  /** Validates the reply's data; a reply that does not match is a bug on the other side (500). */
  responseSchema: S;
  timeoutMs: number;
  metrics?: ServiceMetrics;
}

/**
 * Request/reply with a deadline. No responder → 503, timeout → 504, not connected → 503 at once (never a
 * hang); an error reply from the other service comes back as the same AppError (e.g. its 404).
 */
export function natsRequest<S extends z.ZodType>(nats: NatsHandle, options: NatsRequestOptions<S>): Promise<z.infer<S>> {
  return inSpan(`send ${options.subject}`, { kind: SpanKind.CLIENT, attributes: natsAttributes(options.subject, 'send') }, () => requestAndRead(nats, options));
}

async function requestAndRead<S extends z.ZodType>(nats: NatsHandle, options: NatsRequestOptions<S>): Promise<z.infer<S>> {
  const { subject, timeoutMs, metrics } = options;
  const endTimer = metrics?.natsRequestDuration.startTimer();
  const finish = (outcome: string) => endTimer?.({ service: metrics?.service, subject, outcome });
  if (!nats.isConnected()) {
    finish('unavailable');
    throw new NatsUnavailableError();
  }
  let reply: Reply<unknown>;
  try {
    const message = await nats.connection.request(subject, encodeJson(options.payload), { timeout: timeoutMs, headers: requestIdHeaders() });
    reply = decodeJson(message.data) as Reply<unknown>;
  } catch (error) {
    if (error instanceof NatsError && error.code === ErrorCode.NoResponders) {
      finish('no_responders');
      throw new NatsNoRespondersError(subject, error);
    }
    if (error instanceof NatsError && error.code === ErrorCode.Timeout) {
      finish('timeout');
      throw new NatsTimeoutError(subject, error);
    }
    finish('unavailable');
    throw new NatsUnavailableError(error);
  }
  if (!reply.ok) {
    finish('error_reply');
    throw new AppError(reply.error.status, reply.error.code, reply.error.title, { detail: reply.error.detail });
  }
  finish('ok');
  return options.responseSchema.parse(reply.data);
}
