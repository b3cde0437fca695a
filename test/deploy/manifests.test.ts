/**
 * The Kubernetes manifests: every object validates against Kubernetes' OpenAPI schemas
 * (kubernetes-models), and what the objects say of the gateway is true of it. The running app,
 * started with the ConfigMap's settings, answers the probes on the ports they name and serves
 * /subgraph only on the port the NetworkPolicy keeps for the router; every ConfigMap key is a
 * variable loadConfig reads (a misspelled one would be ignored without a word); the grace
 * period outlasts the drain and the request deadline; selectors select the pod template.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { ConfigError, loadConfig } from '../../src/config';
import { startApp, type App } from '../../src/app';
import { stopBudgetMs } from '../../src/http/drain';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { MEMORY_TARGET_MIB } from '../../bench/memory';
import { ROOT } from '../support/process';
import { send } from './client';
import { loadManifests, only, type Manifest } from './manifests';

type Validating = new (data: never) => { validate(): void };

const MODELS: Record<string, Validating> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};
const KUSTOMIZATION = 'kustomize.config.k8s.io/v1beta1/Kustomization';

const manifests = loadManifests();
const objects = manifests.filter((m) => `${m.apiVersion}/${m.kind}` !== KUSTOMIZATION);
const deployment = only(manifests, 'Deployment') as IDeployment & Manifest;
const pod = deployment.spec?.template;
const container = pod?.spec?.containers[0] as IContainer;
const configMap = only(manifests, 'ConfigMap') as IConfigMap & Manifest;
const settings = configMap.data ?? {};
/** A secret of the length loadConfig asks for, as the Secret would hold. */
const SECRET = 'k8s-test-subgraph-secret-0123456789';

function validate(manifest: Manifest): void {
  const model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!model)
    throw new Error(`${manifest.file}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
  const object: Partial<Manifest> = { ...manifest };
  delete object.file;
  new model(object as never).validate();
}

function containerPort(name: string | number | undefined): number {
  const port = container.ports?.find((p) => p.name === name || p.containerPort === name);
  if (!port) throw new Error(`no container port ${String(name)}`);
  return port.containerPort;
}

describe('every object validates against the Kubernetes schemas', () => {
  test.each(objects.map((m) => [`${m.file}: ${m.kind}`, m] as const))('%s', (_name, manifest) => {
    expect(() => {
      validate(manifest);
    }).not.toThrow();
  });

  test('the validator refuses a broken object (a wrong type, a required field left out)', () => {
    const broken = structuredClone(deployment) as Manifest;
    (broken.spec as { replicas: unknown }).replicas = 'three';
    expect(() => {
      validate(broken);
    }).toThrow(/replicas/);
    const badService = structuredClone(
      only(manifests, 'Service') as IService & Manifest,
    ) as Manifest;
    (badService.spec as { ports: unknown[] }).ports[0] = { name: 'http', targetPort: 'http' };
    expect(() => {
      validate(badService);
    }).toThrow();
  });

  test('the kinds asked for are all there, and Kustomize lists every file of the base', () => {
    const kinds = objects.map((m) => m.kind).sort();
    expect(kinds).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceMonitor',
    ]);
    for (const kustomization of manifests.filter((m) => m.kind === 'Kustomization')) {
      const dir = kustomization.file.replace(/kustomization\.yaml$/, '');
      const listed = (kustomization.resources as string[]).map((r) => `${dir}${r}`).sort();
      const inDir = objects
        .map((m) => m.file)
        .filter((f) => f.startsWith(dir) && !f.slice(dir.length).includes('/'))
        .sort();
      expect(listed).toEqual(inDir);
    }
  });
});

describe('the ConfigMap is what loadConfig reads', () => {
  test('loadConfig accepts its values with the Secret', () => {
    expect(() => loadConfig({ ...settings, SUBGRAPH_SECRET: SECRET })).not.toThrow();
  });

  test.each(Object.keys(settings))('%s is a variable the gateway reads and checks', (key) => {
    // A misspelled or unknown key would be ignored: an invalid value of a read one is refused.
    expect(() =>
      loadConfig({ ...settings, SUBGRAPH_SECRET: SECRET, [key]: 'not valid ☃' }),
    ).toThrow(ConfigError);
  });

  test('the Secret feeds SUBGRAPH_SECRET, which loadConfig reads', () => {
    const fromSecret = container.env?.find((e) => e.valueFrom?.secretKeyRef);
    expect(fromSecret?.name).toBe('SUBGRAPH_SECRET');
    expect(() => loadConfig({ ...settings, SUBGRAPH_SECRET: 'short' })).toThrow(/SUBGRAPH_SECRET/);
    expect(container.envFrom?.[0]?.configMapRef?.name).toBe(configMap.metadata.name);
  });
});

describe('the Deployment, as the gateway runs', () => {
  const config = loadConfig({ ...settings, SUBGRAPH_SECRET: SECRET });

  test('the container ports are PORT, SUBGRAPH_PORT and METRICS_PORT', () => {
    expect(containerPort('http')).toBe(config.port);
    expect(containerPort('subgraph')).toBe(config.subgraphPort);
    expect(containerPort('metrics')).toBe(config.metricsPort);
  });

  test('the grace period outlasts the drain, the request deadline and the last answers', () => {
    const graceMs = (pod?.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(graceMs).toBeGreaterThan(
      stopBudgetMs({
        drainMs: config.shutdownDrainMs,
        requestDeadlineMs: config.requestDeadlineMs,
      }),
    );
  });

  test('readiness fails before the drain ends: the Service drops the pod while it still serves', () => {
    const probe = container.readinessProbe;
    const detectMs = (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1000;
    expect(detectMs).toBeLessThan(config.shutdownDrainMs);
  });

  test('restricted: non-root uid 1000 (the image user), read-only root, no privilege, seccomp', () => {
    const podSecurity = pod?.spec?.securityContext;
    const security = container.securityContext;
    expect(podSecurity?.runAsNonRoot).toBe(true);
    expect(podSecurity?.runAsUser).toBe(1000);
    expect(podSecurity?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(security?.readOnlyRootFilesystem).toBe(true);
    expect(security?.allowPrivilegeEscalation).toBe(false);
    expect(security?.capabilities?.drop).toEqual(['ALL']);
    // The image runs as `node`, uid 1000 (scripts/image-test.sh checks it in the built image).
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(/^USER (\S+)/m.exec(dockerfile.split(/^FROM /m).at(-1) ?? '')?.[1]).toMatch(
      /^(node|1000)$/,
    );
  });

  test('resources are requested and limited', () => {
    const resources = container.resources;
    for (const kind of ['cpu', 'memory']) {
      expect(resources?.requests?.[kind]).toBeDefined();
      expect(resources?.limits?.[kind]).toBeDefined();
    }
    // Memory is not compressible: requested as limited, and within the bench's 256 MiB target.
    const memory = String(resources?.limits?.memory);
    expect(resources?.requests?.memory).toBe(resources?.limits?.memory);
    expect(memory).toMatch(/^\d+Mi$/);
    expect(parseInt(memory, 10)).toBeLessThanOrEqual(MEMORY_TARGET_MIB);
  });

  test('the selectors of the Service, PDB, HPA, NetworkPolicy and ServiceMonitor pick the pods', () => {
    const labels = pod?.metadata?.labels ?? {};
    const picks = (selector: Record<string, string> | undefined): boolean =>
      selector !== undefined &&
      Object.entries(selector).every(([key, value]) => labels[key] === value);
    const service = only(manifests, 'Service') as IService & Manifest;
    expect(picks(deployment.spec?.selector.matchLabels)).toBe(true);
    expect(picks(service.spec?.selector)).toBe(true);
    expect(
      picks(
        (only(manifests, 'PodDisruptionBudget') as IPodDisruptionBudget & Manifest).spec?.selector
          ?.matchLabels,
      ),
    ).toBe(true);
    expect(
      picks(
        (only(manifests, 'NetworkPolicy') as INetworkPolicy & Manifest).spec?.podSelector
          .matchLabels,
      ),
    ).toBe(true);
    const hpa = only(manifests, 'HorizontalPodAutoscaler') as IHorizontalPodAutoscaler & Manifest;
    expect(hpa.spec?.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    // The ServiceMonitor selects the Service by its labels and scrapes a port the Service has.
    const monitor = only(manifests, 'ServiceMonitor') as {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
    } & Manifest;
    const serviceLabels = service.metadata.labels ?? {};
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) {
      expect(serviceLabels[key]).toBe(value);
    }
    for (const endpoint of monitor.spec.endpoints) {
      expect(service.spec?.ports?.map((p) => p.name)).toContain(endpoint.port);
    }
    for (const port of service.spec?.ports ?? []) containerPort(port.targetPort);
  });

  test('the NetworkPolicy opens the subgraph port to the router alone', () => {
    const policy = only(manifests, 'NetworkPolicy') as INetworkPolicy & Manifest;
    const rules = policy.spec?.ingress ?? [];
    const subgraphPort = containerPort('subgraph');
    for (const rule of rules) {
      const ports = (rule.ports ?? []).map((p) => containerPort(p.port));
      if (!ports.includes(subgraphPort)) continue;
      expect(rule.from?.length).toBeGreaterThan(0);
      for (const peer of rule.from ?? []) {
        expect(peer.podSelector?.matchLabels?.['app.kubernetes.io/name']).toBe('router');
        expect(peer.ipBlock).toBeUndefined();
      }
    }
    // A rule with no ports would open every port, the subgraph's too.
    for (const rule of rules) expect(rule.ports?.length).toBeGreaterThan(0);
  });
});

describe('the running gateway answers what the manifests name', () => {
  let sandbox: SandboxHandle;
  let app: App;
  /** The port the app listens on for each named container port. */
  const listening = new Map<string, number>();

  beforeAll(async () => {
    sandbox = await startSandbox();
    // The ConfigMap's settings, on free loopback ports instead of the fixed ones.
    const config = loadConfig({
      ...settings,
      SUBGRAPH_SECRET: SECRET,
      SWR_ENDPOINT: sandbox.url,
      HOST: '127.0.0.1',
      PORT: '0',
      SUBGRAPH_PORT: '0',
      METRICS_PORT: '0',
    });
    app = await startApp(config, false);
    const portOf = (server: typeof app.server | null): number =>
      (server?.address() as AddressInfo).port;
    listening.set('http', portOf(app.server));
    listening.set('subgraph', portOf(app.subgraphServer));
    listening.set('metrics', portOf(app.metricsServer));
  });

  afterAll(async () => {
    await app.close();
    await sandbox.close();
  });

  test.each(['startupProbe', 'readinessProbe', 'livenessProbe'] as const)(
    '%s: 200 on the path and port it names',
    async (name) => {
      const probe = container[name]?.httpGet;
      expect(probe).toBeDefined();
      const port = listening.get(String(probe?.port)) as number;
      expect((await send(port, false, probe?.path ?? '/')).status).toBe(200);
    },
  );

  test('the ServiceMonitor path answers metrics on its port, and the API port does not', async () => {
    const monitor = only(manifests, 'ServiceMonitor') as {
      spec: { endpoints: { port: string }[] };
    } & Manifest;
    for (const { port } of monitor.spec.endpoints) {
      const reply = await send(listening.get(port) as number, false, '/metrics');
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('# TYPE');
    }
    expect((await send(listening.get('http') as number, false, '/metrics')).status).toBe(404);
  });

  test('/subgraph answers only on the subgraph port, and only with the Secret', async () => {
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const onHttp = await send(listening.get('http') as number, false, '/subgraph', body);
    expect(onHttp.status).toBe(404);
    const withoutSecret = await send(listening.get('subgraph') as number, false, '/subgraph', body);
    expect(withoutSecret.status).not.toBe(200);
  });
});
