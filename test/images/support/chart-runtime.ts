import { one, renderChart, type Manifest } from '../../deploy/support/helm';
import { mainContainer, workloads, type PodTemplate } from '../../deploy/support/workloads';
import type { StackServiceName } from '../../support/stack';

/** How the chart (default values) runs one service: its image, environment and security settings. */
export interface ChartRuntime {
  service: StackServiceName;
  image: string;
  port: number;
  /** The ConfigMap's variables and the container's plain ones. */
  env: Record<string, string>;
  /** Variables the chart takes from Secrets; the test supplies their values. */
  secretEnv: string[];
  user: string;
  readOnlyRootFilesystem: boolean;
  droppedCapabilities: string[];
  allowPrivilegeEscalation: boolean;
  /** emptyDir mounts (the only writable paths), with their size limits. */
  writableDirs: Array<{ mountPath: string; sizeLimit: string }>;
  /** Files the chart mounts read-only from Secrets: where, and which key of the Secret; the test supplies their contents. */
  secretFiles: Array<{ path: string; key: string }>;
  terminationGracePeriodSeconds: number;
}

interface ServicePodSpec {
  securityContext: { runAsUser: number; runAsGroup: number };
  terminationGracePeriodSeconds: number;
  volumes: Array<{ name: string; emptyDir?: { sizeLimit?: string }; secret?: { items?: Array<{ key: string; path: string }> } }>;
}

/**
 * Reads each service's Deployment and the shared ConfigMap from `helm template` of the chart, with the image
 * registry and tag that `npm run images` used (IMAGE_REGISTRY, IMAGE_TAG; the chart's defaults otherwise).
 */
export function chartRuntimes(services: readonly StackServiceName[], env: NodeJS.ProcessEnv = process.env): ChartRuntime[] {
  const sets = [env.IMAGE_REGISTRY && `image.registry=${env.IMAGE_REGISTRY}`, env.IMAGE_TAG && `image.tag=${env.IMAGE_TAG}`].filter((set): set is string => Boolean(set));
  const manifests = renderChart([], sets);
  const config = one<Manifest & { data: Record<string, string> }>(manifests, 'ConfigMap', 'playbook-config').data;
  return services.map((service) => {
    const workload = workloads(manifests).find((w) => w.manifest.kind === 'Deployment' && w.manifest.metadata.name === `playbook-${service}`);
    if (!workload) throw new Error(`the chart renders no Deployment playbook-${service}`);
    return runtimeOf(service, workload.template, config);
  });
}

function runtimeOf(service: StackServiceName, template: PodTemplate, config: Record<string, string>): ChartRuntime {
  const container = mainContainer(template);
  const pod = template.spec as unknown as ServicePodSpec;
  const security = container.securityContext as { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  const env = { ...config };
  const secretEnv: string[] = [];
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.secretKeyRef) secretEnv.push(variable.name);
    else throw new Error(`${service}: ${variable.name} comes from neither a value nor a Secret`);
  }
  const volumes = new Map(pod.volumes.map((volume) => [volume.name, volume]));
  const writableDirs: ChartRuntime['writableDirs'] = [];
  const secretFiles: ChartRuntime['secretFiles'] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume?.secret?.items && mount.readOnly) {
      for (const item of volume.secret.items) secretFiles.push({ path: `${mount.mountPath}/${item.path}`, key: item.key });
      continue;
    }
    const sizeLimit = volume?.emptyDir?.sizeLimit;
    if (!sizeLimit) throw new Error(`${service}: ${mount.mountPath} is neither a sized emptyDir nor read-only Secret files`);
    writableDirs.push({ mountPath: mount.mountPath, sizeLimit });
  }
  return {
    service,
    image: container.image,
    port: Number(env.PORT),
    env,
    secretEnv,
    user: `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem === true,
    droppedCapabilities: security.capabilities?.drop ?? [],
    allowPrivilegeEscalation: security.allowPrivilegeEscalation !== false,
    writableDirs,
    secretFiles,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
  };
}
