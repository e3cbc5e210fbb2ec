import { authRoutes } from './auth-routes';
import { gatewayRoutes } from './gateway-routes';
import { pdfRoutes } from './pdf-routes';
import { projectRoutes } from './project-routes';
import type { PublicRoute } from './public-route';

/** The whole public API table: the gateway routes, lists and documents exactly these rows. */
export const publicRoutes: readonly PublicRoute[] = [...gatewayRoutes, ...authRoutes, ...projectRoutes, ...pdfRoutes];
