// The contract: what the services say to each other and to the frontend. The services table, the public route
// table with the schemas each route validates with, the NATS subjects and their messages, and the playbook catalog.
export * from './services';
export type { HttpMethod, PublicRoute, RouteResponse } from './public-route';
export { publicRoutes } from './public-routes';
export { API_INFO, buildOpenApiDocument, publicOpenApiDocument, type ApiInfo } from './openapi-document';
export * from './gateway-routes';
export * from './auth-routes';
export * from './project-routes';
export * from './pdf-routes';
export * from './event-messages';
export * from './client-events';

export * from './playbook/catalog-types';
export { findPlaybookField, listPlaybookFields, splitListAnswer, type LocatedPlaybookField } from './playbook/catalog-lookup';
export * from './nats-identities';
