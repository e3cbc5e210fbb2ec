import { UnauthorizedError, type RevocationList } from '@playbook/kit';
import type Koa from 'koa';
import type { StreamHolder } from './event-fanout';

export interface HolderCheckOptions {
  /** The gateway's token check: it leaves the user and the login (`ctx.state.session`) on the context. */
  requireUser: Koa.Middleware;
  revocations: RevocationList;
}

/** Checks bearer tokens and stream holders for the event routes, which need the token's session (`sid`) as well as its user. */
export interface HolderCheck {
  /** The holder the request's bearer token names: 401 without a valid one or for an ended session. */
  fromBearer(ctx: Koa.Context): Promise<StreamHolder>;
  /** Whether the holder's session or user was revoked since (logout, a replayed refresh token, account deletion). */
  isRevoked(holder: StreamHolder): boolean;
}

/** The gateway's own token check and revocations, seen from a stream: who holds it and whether that still stands. */
export function createHolderCheck(options: HolderCheckOptions): HolderCheck {
  return {
    isRevoked: (holder) => options.revocations.isRevoked({ sub: holder.userId, sid: holder.sessionId, iat: holder.issuedAtSeconds }),
    fromBearer: async (ctx) => {
      // A route the table guards has been through the token check already; the event stream's has not.
      if (!ctx.state.session) {
        if (!ctx.get('authorization')) throw new UnauthorizedError('A bearer token or a ticket is required');
        await options.requireUser(ctx, async () => undefined);
      }
      const session = ctx.state.session!;
      return { userId: session.sub, sessionId: session.sid, issuedAtSeconds: session.iat };
    },
  };
}
