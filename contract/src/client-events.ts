import { z } from 'zod';
import { pdfJobStatusSchema, projectRoleSchema } from './event-messages';

/**
 * What `GET /api/events` streams to the browser (server-sent events): each SSE `event:` name with the schema of its
 * `data:` line. The `id:` of every event below but `stream.*` is its position in the gateway's event stream; sent
 * back as `Last-Event-ID` (or `?lastEventId=`) it resumes the stream after that event (docs/events.md).
 */

/** The SSE `event:` names the frontend listens for. */
export const CLIENT_EVENT = {
  pdfJob: 'pdf.job',
  projectUpdated: 'project.updated',
  projectDeleted: 'project.deleted',
  projectMembership: 'project.membership',
  /** The events after `Last-Event-ID` are no longer kept: reload what the page shows, then carry on. */
  streamResync: 'stream.resync',
  /** The last event before the gateway ends the stream. */
  streamClosing: 'stream.closing',
} as const;
export type ClientEventName = (typeof CLIENT_EVENT)[keyof typeof CLIENT_EVENT];

export const pdfJobClientEventSchema = z.object({
  jobId: z.string(),
  projectId: z.string(),
  status: pdfJobStatusSchema,
  error: z.string().optional().meta({ description: 'Why the job failed' }),
  fileUrl: z.string().optional().meta({ description: 'Where to download the PDF (status done): GET with the bearer token' }),
});
export type PdfJobClientEvent = z.infer<typeof pdfJobClientEventSchema>;

export const projectUpdatedClientEventSchema = z.object({
  projectId: z.string(),
  contentVersion: z.number().int().meta({ description: 'The new content version (the project’s ETag)' }),
  updatedAt: z.iso.datetime(),
});
export type ProjectUpdatedClientEvent = z.infer<typeof projectUpdatedClientEventSchema>;

export const projectDeletedClientEventSchema = z.object({ projectId: z.string() });
export type ProjectDeletedClientEvent = z.infer<typeof projectDeletedClientEventSchema>;

export const projectMembershipClientEventSchema = z.object({
  projectId: z.string(),
  userId: z.string().meta({ description: 'The member whose role changed' }),
  role: projectRoleSchema.nullable().meta({ description: 'The new role; null: no longer a member' }),
});
export type ProjectMembershipClientEvent = z.infer<typeof projectMembershipClientEventSchema>;

export const streamResyncClientEventSchema = z.object({
  reason: z.enum(['history-lost']),
});

export const streamClosingClientEventSchema = z.object({
  reason: z.enum(['shutdown', 'session-ended', 'too-slow']).meta({
    description: 'shutdown: reconnect (another replica answers); session-ended: sign in again; too-slow: the client fell behind, reconnect',
  }),
});
export type StreamClosingReason = z.infer<typeof streamClosingClientEventSchema>['reason'];

/** Every event the stream carries, as `{event, data}`: the schema the OpenAPI document shows for `text/event-stream`. */
export const clientEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal(CLIENT_EVENT.pdfJob), data: pdfJobClientEventSchema }),
  z.object({ event: z.literal(CLIENT_EVENT.projectUpdated), data: projectUpdatedClientEventSchema }),
  z.object({ event: z.literal(CLIENT_EVENT.projectDeleted), data: projectDeletedClientEventSchema }),
  z.object({ event: z.literal(CLIENT_EVENT.projectMembership), data: projectMembershipClientEventSchema }),
  z.object({ event: z.literal(CLIENT_EVENT.streamResync), data: streamResyncClientEventSchema }),
  z.object({ event: z.literal(CLIENT_EVENT.streamClosing), data: streamClosingClientEventSchema }),
]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

/** `POST /api/events/ticket`: a single-use ticket for `GET /api/events?ticket=`. */
export const eventTicketSchema = z.object({
  ticket: z.string().meta({ description: 'Single use, valid for 30 s, bound to the session of the token that asked for it' }),
});
export type EventTicket = z.infer<typeof eventTicketSchema>;

export const eventStreamQuerySchema = z.object({
  ticket: z.string().max(200).optional().meta({ description: 'From POST /api/events/ticket (EventSource cannot send headers); or send a bearer token' }),
  lastEventId: z.string().max(30).optional().meta({ description: 'The id of the last event seen, for a new EventSource; same as the Last-Event-ID header' }),
});
export type EventStreamQuery = z.infer<typeof eventStreamQuerySchema>;
