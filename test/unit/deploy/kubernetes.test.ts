/**
 * deploy/kubernetes/ cannot be applied here (no cluster), so what can be checked is checked: every
 * manifest against the Kubernetes API's own schemas with kubernetes-validate (PyPI, as `.ci/run`
 * installs it; KUBERNETES_VALIDATE_PATH or `kubernetes-validate` on PATH), and what those schemas
 * cannot know: the roles run what docker-compose.yml runs, probes point at the right endpoints,
 * every variable is one keyops reads, secrets come from a Secret, images are pinned, and the grace
 * period covers keyops's shutdown deadline. test/container runs the init container's command and
 * holds each role to its memory limit.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseEnv } from '../../../config/env';
import { loadPolicy } from '../../../config/policyFile';
import { temporalConnectionFrom } from '../../../config/temporalConnection';
import { SHUTDOWN_DEADLINE_MS } from '../../../runtime/shutdown';
import { isPinnedImage, keyopsServices, ROOT, unknownEnvNames } from '../../support/deployFiles';
import { KUBERNETES_DIR, KUSTOMIZATION, kubernetesDeployments, kubernetesResources, manifestFiles, type Container, type Deployment } from '../../support/kubernetesManifests';

/** The oldest Kubernetes whose defaults have every field used (preStop `sleep`: 1.30), and the newest the validator knows. */
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
const SECRET_NAMES = /^(DATABASE_URL|.*_TOKEN|.*_SECRET(_PREVIOUS)?|.*_API_KEY|.*_KEYS?)$/;

function validate(dir: string, version: string): { status: number | null; output: string } {
  const bin = process.env.KUBERNETES_VALIDATE_PATH ?? 'kubernetes-validate';
  const result = spawnSync(bin, ['--strict', '--quiet', '-k', version, ...manifestFiles(dir)], { cwd: dir, encoding: 'utf8' });
  if (result.error) throw new Error(`${bin}: ${result.error.message} (pip install kubernetes-validate, as .ci/run does)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const deployments = kubernetesDeployments();
const role = (d: Deployment): string => d.metadata.name.replace(/^keyops-/, '');
const main = (d: Deployment): Container => d.spec.template.spec.containers[0] as Container;
const allContainers = (d: Deployment): Container[] => [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers];

describe('deploy/kubernetes', () => {
  it.each(KUBERNETES_VERSIONS)('is valid for Kubernetes %s (kubernetes-validate --strict)', (version) => {
    expect(validate(KUBERNETES_DIR, version)).toEqual({ status: 0, output: '' });
  });

  it('fails validation when a manifest is broken (a misspelt field, a probe without its port)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyops-k8s-'));
    try {
      cpSync(KUBERNETES_DIR, dir, { recursive: true });
      const file = path.join(dir, 'bot.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('readinessProbe:', 'readinesProbe:'));
      const misspelt = validate(dir, KUBERNETES_VERSIONS[1] as string);
      expect(misspelt.status).not.toBe(0);
      expect(misspelt.output).toContain('readinesProbe');
      writeFileSync(file, readFileSync(file, 'utf8').replace('readinesProbe:', 'readinessProbe:').replace(/(readinessProbe:\n\s+httpGet:\n\s+path: \/healthz\n)\s+port: http\n/, '$1'));
      const portless = validate(dir, KUBERNETES_VERSIONS[1] as string);
      expect(portless.status).not.toBe(0);
      expect(portless.output).toContain('port');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every manifest in kustomization.yaml, and pins the image it deploys', () => {
    const kustomization = parse(readFileSync(path.join(KUBERNETES_DIR, KUSTOMIZATION), 'utf8')) as { resources: string[]; images: { name: string; newName: string; newTag: string }[] };
    expect([...kustomization.resources].sort()).toEqual(manifestFiles());
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(kustomization.images).toEqual([expect.objectContaining({ name: 'keyops', newTag: version })]);
    for (const d of deployments) for (const c of allContainers(d)) expect({ container: c.name, image: c.image, pinned: isPinnedImage(c.image) }).toEqual({ container: c.name, image: c.image, pinned: true });
  });

  it('runs the three roles with the commands docker-compose.yml runs; Services for the bot and the API only', () => {
    const compose = Object.fromEntries(keyopsServices().map(([name, s]) => [name, s.command]));
    expect(deployments.map((d) => [d.metadata.name, main(d).command]).sort()).toEqual(Object.entries(compose).sort());
    const services = kubernetesResources().filter((r) => r.kind === 'Service') as unknown as { metadata: { name: string }; spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }[];
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['keyops-api', 'keyops-bot']);
    for (const s of services) {
      const d = deployments.find((x) => x.metadata.name === s.metadata.name) as Deployment;
      expect(d.spec.template.metadata.labels).toMatchObject(s.spec.selector);
      expect(main(d).ports?.map((p) => p.name)).toContain(s.spec.ports[0]?.targetPort);
    }
  });

  it('probes readiness on /healthz and liveness on /livez, on the port each role listens on', () => {
    for (const d of deployments) {
      const c = main(d);
      const port = c.env?.find((e) => e.name === 'PORT')?.value;
      expect({ role: role(d), ports: c.ports }).toEqual({ role: role(d), ports: [{ name: 'http', containerPort: Number(port) }] });
      expect({ role: role(d), readiness: c.readinessProbe?.httpGet, liveness: c.livenessProbe?.httpGet, startup: c.startupProbe?.httpGet }).toEqual({
        role: role(d),
        readiness: { path: '/healthz', port: 'http' },
        liveness: { path: '/livez', port: 'http' },
        startup: { path: '/livez', port: 'http' },
      });
    }
  });

  it("gives keyops only variables its config schema knows, secrets from the Secret only, and no Secret's value", () => {
    const config = kubernetesResources().find((r) => r.kind === 'ConfigMap' && r.metadata.name === 'keyops-config') as unknown as { data: Record<string, string> };
    expect(unknownEnvNames(Object.keys(config.data))).toEqual([]);
    expect(Object.keys(config.data).filter((n) => SECRET_NAMES.test(n))).toEqual([]);
    for (const d of deployments) {
      for (const c of allContainers(d)) {
        const env = c.env ?? [];
        expect({ container: `${d.metadata.name}/${c.name}`, unknown: unknownEnvNames(env.map((e) => e.name)) }).toEqual({ container: `${d.metadata.name}/${c.name}`, unknown: [] });
        const secretsInline = env.filter((e) => SECRET_NAMES.test(e.name) && !e.valueFrom?.secretKeyRef);
        expect({ container: c.name, secretsInline }).toEqual({ container: c.name, secretsInline: [] });
        for (const from of c.envFrom ?? []) expect(from.configMapRef?.name).toBe('keyops-config');
      }
    }
    expect(kubernetesResources().filter((r) => r.kind === 'Secret')).toEqual([]);
  });

  it('holds settings keyops accepts: Temporal in plaintext until the Secret carries TLS material or an API key', () => {
    const config = kubernetesResources().find((r) => r.metadata.name === 'keyops-config') as unknown as { data: Record<string, string> };
    const env = parseEnv({ ...config.data, PORT: '3000' });
    expect(temporalConnectionFrom(env, env.TEMPORAL_ADDRESS as string).tls).toBeUndefined();
    const cloud = parseEnv({ ...config.data, TEMPORAL_API_KEY: 'a-temporal-cloud-api-key' });
    expect(temporalConnectionFrom(cloud, cloud.TEMPORAL_ADDRESS as string)).toMatchObject({ apiKey: 'a-temporal-cloud-api-key', tls: { describe: expect.stringContaining('TLS') } });
    for (const d of deployments) {
      const fromSecret = (main(d).env ?? []).filter((e) => e.valueFrom?.secretKeyRef?.optional).map((e) => e.name);
      expect({ role: role(d), fromSecret }).toEqual({ role: role(d), fromSecret: expect.arrayContaining(['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_API_KEY']) });
    }
  });

  it('encrypts workflow payloads in every role: TEMPORAL_CODEC_KEYS comes from the Secret and is required', () => {
    for (const d of deployments) {
      const codec = (main(d).env ?? []).find((e) => e.name === 'TEMPORAL_CODEC_KEYS');
      expect({ role: role(d), from: codec?.valueFrom?.secretKeyRef }).toEqual({ role: role(d), from: { name: 'keyops', key: 'TEMPORAL_CODEC_KEYS' } });
    }
  });

  it('mounts the policy ConfigMap where POLICY_FILE points, and ships policy.example.yaml in it word for word', () => {
    const policy = kubernetesResources().find((r) => r.metadata.name === 'keyops-policy') as unknown as { data: Record<string, string> };
    const example = readFileSync(path.join(ROOT, 'policy.example.yaml'), 'utf8');
    expect(policy.data['policy.yaml']).toBe(example);
    const dir = mkdtempSync(path.join(tmpdir(), 'keyops-policy-'));
    writeFileSync(path.join(dir, 'policy.yaml'), policy.data['policy.yaml'] as string);
    expect(() => loadPolicy(path.join(dir, 'policy.yaml'))).not.toThrow();
    rmSync(dir, { recursive: true, force: true });
    const config = kubernetesResources().find((r) => r.metadata.name === 'keyops-config') as unknown as { data: Record<string, string> };
    for (const d of deployments) {
      const volume = d.spec.template.spec.volumes?.find((v) => v.configMap?.name === 'keyops-policy');
      const mount = main(d).volumeMounts?.find((m) => m.name === volume?.name);
      expect(`${mount?.mountPath}/policy.yaml`).toBe(config.data.POLICY_FILE);
    }
  });

  it("gives every pod the time keyops's shutdown takes before Kubernetes kills it", () => {
    for (const d of deployments) {
      const preStop = main(d).lifecycle?.preStop?.sleep?.seconds ?? 0;
      // onShutdownSignal exits half a second after the deadline whatever is stuck.
      const needed = preStop + Math.ceil((SHUTDOWN_DEADLINE_MS + 500) / 1000);
      expect({ role: role(d), coversShutdown: (d.spec.template.spec.terminationGracePeriodSeconds ?? 30) > needed }).toEqual({ role: role(d), coversShutdown: true });
    }
  });

  it('sets requests and limits, runs as non-root on a read-only root filesystem, and keeps a disruption budget per role', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    const budgets = kubernetesResources().filter((r) => r.kind === 'PodDisruptionBudget') as unknown as { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }[];
    for (const d of deployments) {
      // The node image's `node` user is uid 1000.
      expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const c of allContainers(d)) {
        expect({ container: c.name, requests: Object.keys(c.resources?.requests ?? {}).sort(), limits: Object.keys(c.resources?.limits ?? {}).sort() }).toEqual({ container: c.name, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
      const budget = budgets.find((b) => Object.entries(b.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect({ role: role(d), budgetLeavesRoomToDrain: budget !== undefined && budget.spec.minAvailable < d.spec.replicas }).toEqual({ role: role(d), budgetLeavesRoomToDrain: true });
    }
  });

  it('migrates before each role starts, with the image\'s `keyops migrate`', () => {
    for (const d of deployments) {
      const init = d.spec.template.spec.initContainers?.find((c) => c.name === 'migrate');
      expect({ role: role(d), command: init?.command, image: init?.image }).toEqual({ role: role(d), command: ['node', 'dist/cli/index.js', 'migrate'], image: main(d).image });
    }
  });
});
