/**
 * The one table of the services: everything that lists services (the gateway's upstreams, `npm start`, the test
 * stack, the jest roots, the chart's values and their schema) reads it or is checked against it
 * (test/foundation/services-table.test.ts). Adding a service = a folder plus one row here.
 */
export const SERVICES = [
  { name: 'auth', folder: 'auth-service', port: 8081, urlVariable: 'AUTH_SERVICE_URL', database: 'auth', nodeOptions: '' },
  { name: 'project', folder: 'project-service', port: 8082, urlVariable: 'PROJECT_SERVICE_URL', database: 'projects', nodeOptions: '' },
  // A young generation of 2 × 4 MB: with V8's default it grew to 128 MB of mostly garbage (PDFs and their base64
  // pass through it), ~50 MB of the memory target's 600 (docs/benchmarks.md, "Where a PDF's CPU goes, process by process").
  { name: 'pdf', folder: 'pdf-service', port: 8083, urlVariable: 'PDF_SERVICE_URL', database: 'pdf', nodeOptions: '--max-semi-space-size=4' },
  { name: 'gateway', folder: 'gateway', port: 8080, urlVariable: 'GATEWAY_URL', database: undefined, nodeOptions: '' },
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
  /** The NODE_OPTIONS its process runs with, wherever it runs (its image, `npm start`, the test stack, the benchmarks). */
  nodeOptions: string;
}

export type ServiceName = (typeof SERVICES)[number]['name'];
export type ServiceFolder = (typeof SERVICES)[number]['folder'];
type ServiceRowOf<N extends ServiceName> = Extract<(typeof SERVICES)[number], { name: N }>;
/** The services behind the gateway: the ones it routes to. */
export type UpstreamName = Exclude<ServiceName, 'gateway'>;
export const UPSTREAMS = SERVICES.filter((service): service is ServiceRowOf<UpstreamName> => service.name !== 'gateway');

export const serviceByName = <N extends ServiceName>(name: N): ServiceRowOf<N> => SERVICES.find((service) => service.name === name) as ServiceRowOf<N>;
