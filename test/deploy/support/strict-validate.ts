import type { Manifest } from './helm';

/**
 * Validates a manifest against the kubernetes-models schema of its apiVersion/kind (core, cert-manager,
 * prometheus-operator, Gateway API) and also rejects fields the schema does not know.
 *
 * The generated validators do not set `additionalProperties: false`, so a misspelt field (`readinesProbe`)
 * would pass. Every compiled validator reads each property its schema declares (`data.x === undefined || …`)
 * and enumerates the keys of free-form maps (labels, resources), so running it over a Proxy that records
 * those reads tells which keys no schema asked for.
 */
const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/cert-manager', '@kubernetes-models/prometheus-operator', '@kubernetes-models/gateway-api'];

type ModelClass = { prototype: { validate(this: unknown): void } };

export function findModel(apiVersion: string, kind: string): ModelClass | undefined {
  for (const pkg of MODEL_PACKAGES) {
    let group: Record<string, ModelClass>;
    try {
      // The group module is chosen from the manifest's apiVersion at run time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      group = require(`${pkg}/${apiVersion}`);
    } catch {
      continue;
    }
    if (group[kind]) return group[kind];
  }
  return undefined;
}

/**
 * Fields newer than the newest model packages that still run on Node 20, each with its reason. Paths use `*`
 * for array indexes.
 */
const NEWER_FIELDS: Record<string, string> = {
  // cert-manager 1.12 added ingressClassName; @kubernetes-models/cert-manager 4.x only knows `class`.
  'ClusterIssuer:/spec/acme/solvers/*/http01/ingress/ingressClassName': 'cert-manager >= 1.12',
};

interface Seen { target: Record<string, unknown>; path: string; read: Set<string>; enumerated: boolean }

function tracked(value: unknown, path: string, seen: Seen[], cache: WeakMap<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const cached = cache.get(value);
  if (cached) return cached;
  const record: Seen = { target: value as Record<string, unknown>, path, read: new Set(), enumerated: false };
  if (!Array.isArray(value)) seen.push(record);
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return child;
      record.read.add(key);
      return tracked(child, `${path}/${key}`, seen, cache);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  cache.set(value, proxy);
  return proxy;
}

/** Throws with every schema error and unknown field of one manifest. */
export function validateStrict(manifest: Manifest): void {
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  const Model = findModel(manifest.apiVersion, manifest.kind);
  if (!Model) throw new Error(`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
  const seen: Seen[] = [];
  const data = tracked(manifest, '', seen, new WeakMap());
  try {
    Model.prototype.validate.call(data);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const unknown = seen
    .filter((record) => record.read.size > 0 && !record.enumerated)
    .flatMap((record) => Object.keys(record.target).filter((key) => !record.read.has(key)).map((key) => `${record.path}/${key}`));
  const allowed = (path: string) => `${manifest.kind}:${path.replace(/\/\d+(?=\/|$)/g, '/*')}` in NEWER_FIELDS;
  const unknownFields = unknown.filter((path) => !allowed(path));
  if (unknownFields.length) throw new Error(`${where}: unknown fields ${unknownFields.join(', ')}`);
}
