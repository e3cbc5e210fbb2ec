import {
  createRestrictedNamespace, deleteNamespace, eventsOf, helm, list, mustDeploy, RELEASE, waitForSettled, type KubeObject,
} from './support/cluster';

const namespace = 'helm-test-hook';

/**
 * `helm test` creates the chart's test hook pod, which checks /api/health and renders a PDF through the
 * gateway. kwok runs no containers, so here the pod is only admitted, scheduled and left Running: what this
 * proves is that the server accepts the hook under Pod Security restricted and that it targets the gateway.
 * The hook's script itself runs against the local stack in the image tests.
 */
describe('helm test on a real control plane', () => {
  beforeAll(async () => {
    await createRestrictedNamespace(namespace);
    await mustDeploy('install', namespace, []);
    await waitForSettled(namespace);
  });

  afterAll(async () => {
    await helm(['uninstall', RELEASE, '--namespace', namespace, '--wait']);
    await deleteNamespace(namespace);
  });

  it('creates the test hook pod, admitted under Pod Security restricted and aimed at the gateway', async () => {
    const hookPods = async () => (await list(namespace, 'pods')).filter((pod) => pod.metadata.annotations?.['helm.sh/hook'] === 'test');
    const run = helm(['test', RELEASE, '--namespace', namespace, '--timeout', '30s']);
    let running: KubeObject[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && running.length === 0) {
      // Running under kwok; Succeeded on a cluster that runs it.
      running = (await hookPods()).filter((pod) => ['Running', 'Succeeded'].includes(pod.status.phase));
      await new Promise((r) => setTimeout(r, 500));
    }
    const result = await run;

    expect(result.stderr).not.toMatch(/forbidden|PodSecurity/i);
    expect(await eventsOf(namespace, 'FailedCreate')).toEqual([]);
    expect(running).toHaveLength(1);
    const [pod] = running;
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(JSON.stringify(pod.spec.containers)).toContain(`${RELEASE}-gateway`);
  });
});
