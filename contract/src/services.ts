/**
 * The one table of the services: everything that lists services (the gateway's upstreams, `npm start`, the test
 * stack, the jest roots, the chart's values and their schema) reads it or is checked against it
 * (test/foundation/services-table.test.ts). Adding a service = a folder plus one row here.
 */
export const SERVICES = [
  { name: 'auth', folder: 'auth-service', port: 8081, urlVariable: 'AUTH_SERVICE_URL', database: 'auth' },
  { name: 'project', folder: 'project-service', port: 8082, urlVariable: 'PROJECT_SERVICE_URL', database: 'projects' },
  { name: 'pdf', folder: 'pdf-service', port: 8083, urlVariable: 'PDF_SERVICE_URL', database: 'pdf' },
  { name: 'gateway', folder: 'gateway', port: 8080, urlVariable: 'GATEWAY_URL', database: undefined },
] as const satisfies readonly ServiceRow[];

export interface ServiceRow {
  /** The name in the public route table, health checks and metrics labels. */
  name: string;
  /** Its workspace folder, also its process, image and chart component name. */
  folder: string;
  /** The port it listens on by default (PORT overrides it). */
  port: number;
  /** The variable other services find it by. */
  urlVariable: string;
  /** Its own database (MONGO_DB's default); none for a service that keeps no data. */
  database: string | undefined;
}

export type ServiceName = (typeof SERVICES)[number]['name'];
export type ServiceFolder = (typeof SERVICES)[number]['folder'];
type ServiceRowOf<N extends ServiceName> = Extract<(typeof SERVICES)[number], { name: N }>;
/** The services behind the gateway: the ones it routes to. */
export type UpstreamName = Exclude<ServiceName, 'gateway'>;
export const UPSTREAMS = SERVICES.filter((service): service is ServiceRowOf<UpstreamName> => service.name !== 'gateway');

export const serviceByName = <N extends ServiceName>(name: N): ServiceRowOf<N> => SERVICES.find((service) => service.name === name) as ServiceRowOf<N>;
