import Router from '@koa/router';
import type { PlaybookCatalog } from '@playbook/contract';

/**
 * Whether If-None-Match matches our ETag (RFC 9110 §13.1.2, weak comparison). Evaluated here rather than with
 * Koa's `ctx.fresh`, which ignores validators when the request says `Cache-Control: no-cache` — and fetch()
 * adds exactly that to every request carrying If-None-Match.
 */
function matchesIfNoneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** GET /api/playbook: public and cacheable; the ETag is the catalog version, so a new version is never served stale. */
export function playbookRoutes({ catalog }: { catalog: PlaybookCatalog }): Router {
  const router = new Router();
  const etag = `"playbook-${catalog.version}"`;
  const body = JSON.stringify(catalog);
  router.get('/api/playbook', (ctx) => {
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=300, must-revalidate');
    if (matchesIfNoneMatch(ctx.get('if-none-match'), etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
