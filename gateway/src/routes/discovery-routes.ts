import { API_INFO, buildOpenApiDocument, type PublicRoute, type RouteList } from '@playbook/contract';
import type { ServiceRuntime } from '@playbook/kit';
import type Koa from 'koa';
import type { GatewayConfig } from '../config';
import { aggregateHealth } from '../health/aggregate-health';
import { upstreamUrls } from '../proxy/upstreams';
import { createDocsHandlers } from './docs-page';

export const API_TITLE = API_INFO.title;

/** `GET /api/routes`: the table the gateway routes with, as data. */
export function toRouteList(routes: readonly PublicRoute[]): RouteList {
  return { routes: routes.map(({ method, path, auth, summary, service }) => ({ method, path, auth, description: summary, service })) };
}

/** Handlers of the gateway's own rows, by `METHOD path`; every gateway row of the table must have one. */
export function createDiscoveryHandlers(routes: readonly PublicRoute[], runtime: ServiceRuntime, config: GatewayConfig) {
  const routeList = toRouteList(routes);
  const openApi = buildOpenApiDocument(routes, API_INFO);
  const docs = createDocsHandlers(API_TITLE);
  const services = Object.entries(upstreamUrls(config)).map(([name, url]) => ({ name, url }));
  const handlers: Record<string, Koa.Middleware> = {
    'GET /api/health': async function health(ctx) {
      const report = await aggregateHealth(services, runtime.readiness, config.HEALTH_CHECK_TIMEOUT_MS);
      ctx.status = report.status === 'ok' ? 200 : 503;
      ctx.body = report;
    },
    'GET /api/routes': async function routeTable(ctx) {
      ctx.body = routeList;
    },
    'GET /api/openapi.json': async function openApiDocument(ctx) {
      ctx.body = openApi;
    },
    'GET /api/docs': docs.page,
  };
  return { handlers, docsAsset: docs.asset };
}
