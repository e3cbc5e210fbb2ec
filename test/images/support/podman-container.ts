import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../deploy/support/helm';
import { startProcess, type StartedProcess } from '../../support/processes';
import type { ChartRuntime } from './chart-runtime';

/** The podman settings scripts/images.sh builds with (runc, cgroupfs, ulimits this machine allows). */
const PODMAN_ENV = { ...process.env, CONTAINERS_CONF: resolve(ROOT, 'tools/base-image/containers.conf') };

/** Runs podman to its end; rejects with its output when it fails. */
export async function podman(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await promisify(execFile)('podman', args, { env: PODMAN_ENV, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Kubernetes quantities as tmpfs sizes: 64Mi → 64m, 1Gi → 1g. */
const tmpfsSize = (quantity: string) => quantity.replace(/^(\d+)([KMG])i$/, (_m, amount: string, unit: string) => `${amount}${unit.toLowerCase()}`);

/**
 * `podman run` arguments that reproduce the chart's pod: its user, a read-only root with only the emptyDirs
 * writable (no extra tmpfs that podman's --read-only would add), every capability dropped, no privilege
 * escalation; on the host network so it reaches NATS and the database on 127.0.0.1.
 */
export function chartRunArgs(runtime: ChartRuntime, name: string, env: Record<string, string>, secretFiles: Record<string, string> = {}): string[] {
  const args = ['run', '--name', name, '--network=host', '--user', runtime.user, '--pull=never'];
  if (runtime.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  for (const capability of runtime.droppedCapabilities) args.push(`--cap-drop=${capability}`);
  if (!runtime.allowPrivilegeEscalation) args.push('--security-opt=no-new-privileges');
  for (const dir of runtime.writableDirs) args.push('--tmpfs', `${dir.mountPath}:rw,exec,nosuid,nodev,size=${tmpfsSize(dir.sizeLimit)},mode=1777`);
  for (const file of runtime.secretFiles) {
    const hostFile = secretFiles[file.key];
    if (!hostFile) throw new Error(`${runtime.service} mounts the Secret key ${file.key}, which the test does not supply`);
    args.push('--volume', `${hostFile}:${file.path}:ro`);
  }
  for (const [key, value] of Object.entries(env)) args.push('--env', `${key}=${value}`);
  args.push(runtime.image);
  return args;
}

export interface RunningContainer {
  name: string;
  process: StartedProcess;
  /** What the container wrote so far, by stream. */
  output(): { stdout: string; stderr: string };
  /** `podman stop` (SIGTERM, SIGKILL after `graceSeconds`): the exit code and how long stopping took. */
  stop(graceSeconds: number): Promise<{ code: number | null; ms: number }>;
}

/** Starts a container attached, so its output and exit code arrive through the `podman run` process. */
export function runContainer(runtime: ChartRuntime, env: Record<string, string>, secretFiles: Record<string, string> = {}): RunningContainer {
  const name = `playbook-images-test-${runtime.service}-${randomBytes(3).toString('hex')}`;
  const started = startProcess('podman', chartRunArgs(runtime, name, env, secretFiles), PODMAN_ENV);
  const written = { stdout: '', stderr: '' };
  started.child.stdout?.on('data', (chunk: Buffer) => { written.stdout += chunk.toString(); });
  started.child.stderr?.on('data', (chunk: Buffer) => { written.stderr += chunk.toString(); });
  return {
    name,
    process: started,
    output: () => ({ ...written }),
    async stop(graceSeconds) {
      const begun = Date.now();
      await podman(['stop', '--time', String(graceSeconds), name], (graceSeconds + 30) * 1000);
      const code = await started.exited;
      return { code, ms: Date.now() - begun };
    },
  };
}

/** Removes containers whatever state they are in (a failed test leaves none behind). */
export async function removeContainers(names: string[]): Promise<void> {
  if (names.length) await podman(['rm', '--force', '--time', '0', '--ignore', ...names]);
}
