import { runReadinessChecks, type CheckState, type HealthReport, type ReadinessCheck } from '@playbook/kit';

export interface UpstreamService {
  name: string;
  url: string;
}

async function fetchReadiness(service: UpstreamService, timeoutMs: number): Promise<HealthReport | undefined> {
  try {
    const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as HealthReport;
    return { status: response.ok ? 'ok' : 'fail', checks: body.checks ?? {} };
  } catch {
    return undefined; // unreachable or too slow: that service fails the check
  }
}

/**
 * The system's health as one answer: the gateway and its NATS link, each service's readiness, and the
 * database as the services see it. Every probe has a deadline, so a hanging service cannot hang it.
 */
export async function aggregateHealth(
  services: UpstreamService[],
  own: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<HealthReport> {
  const [ownReport, reports] = await Promise.all([runReadinessChecks(own), Promise.all(services.map((service) => fetchReadiness(service, timeoutMs)))]);
  const checks: Record<string, CheckState> = { gateway: 'ok', ...ownReport.checks };
  const databaseStates: CheckState[] = [];
  services.forEach((service, index) => {
    const report = reports[index];
    checks[service.name] = report?.status === 'ok' ? 'ok' : 'fail';
    const database = report?.checks.database;
    if (database === 'ok' || database === 'fail') databaseStates.push(database);
  });
  checks.database = databaseStates.length > 0 && databaseStates.every((state) => state === 'ok') ? 'ok' : 'fail';
  const status = Object.values(checks).every((state) => state === 'ok') ? 'ok' : 'fail';
  return { status, checks };
}
