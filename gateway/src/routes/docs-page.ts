import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NotFoundError } from '@playbook/kit';
import type Koa from 'koa';

/** Swagger UI from the npm package, served by the gateway itself: the docs work offline, no CDN. */
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** No inline script: helmet's default Content-Security-Policy (`script-src 'self'`) stays on. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/docs-init.js"></script>
</body>
</html>
`;
}

/** `GET /api/docs` (the page, not cached) and `GET /api/docs/:asset` (the package's files, cached for a day). */
export function createDocsHandlers(title: string): { page: Koa.Middleware; asset: Koa.Middleware } {
  const html = page(title);
  const files = new Map<string, Buffer>();
  const read = (name: string) => {
    let file = files.get(name);
    if (!file) files.set(name, (file = readFileSync(join(SWAGGER_UI_DIR, name))));
    return file;
  };
  return {
    page: async function docsPage(ctx) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = html;
    },
    asset: async function docsAsset(ctx) {
      const name = ctx.params.asset as string;
      ctx.state.routePattern = '/api/docs/:asset';
      if (name === 'docs-init.js') {
        ctx.type = 'application/javascript; charset=utf-8';
        ctx.body = INIT_SCRIPT;
      } else if (Object.hasOwn(ASSETS, name)) {
        ctx.type = ASSETS[name]!;
        ctx.body = read(name);
      } else {
        throw new NotFoundError(`No docs asset ${name}`);
      }
      ctx.set('Cache-Control', 'public, max-age=86400');
    },
  };
}
