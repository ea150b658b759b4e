// The deployment files (issue 16 item 2: deploy/Dockerfile, compose.yaml, nginx.conf, k8s/) checked
// against the code, since no container engine runs here: every variable they set is a documented
// setting the code reads, the secrets production mode requires are all provided, ports, probe paths
// and upstreams agree with the code's defaults, commands run the build's entry points, shutdown fits
// the grace period — and the shipped nginx keeps /metrics and /internal/ off the public proxy.
// (test/build.test.ts runs the commands and probes on a built stack; test/replicas.test.ts runs this
// nginx.conf in front of three replicas.)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { readGatewaySettings } from '../gateway/settings';
import { requireSecret, SECRET_NEEDS } from '../gateway/parts/require-secret';
import { readSubgraphSettings } from '../subgraphs/common/settings';
import { SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';
import { compose, composeProcesses, DEPLOY_DIR, entryOf, IMAGE, k8sDocuments, k8sProcesses, resolvedEnv, type DeployedProcess } from './support/deploy-files';
import { ensureNginx, SHIPPED_NGINX_CONF, startNginx } from './support/nginx';

const ROOT = path.resolve(__dirname, '..');
const GATEWAY_ENTRY = 'dist/gateway/main.js';
const MIGRATE_ENTRY = 'dist/scripts/migrate.js';
const subgraphEntry = (name: string) => `dist/${SUBGRAPHS.find((s) => s.name === name)!.entry.replace(/\.ts$/, '.js')}`;
const SUBGRAPH_OF_ENTRY = new Map(SUBGRAPHS.map((s) => [subgraphEntry(s.name), s]));

/** The variables of the README's settings table (`…_X` rows expanded through the subgraph registry). */
function documentedSettings(): Set<string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Settings'), readme.indexOf('\n## ', readme.indexOf('\n## Settings') + 1));
  const names = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const cell = row.split('|')[1];
    for (const [, name] of cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(name);
    for (const kind of ['URL', 'PORT'] as const) {
      if (cell.includes(`\`${subgraphEnvName(kind, SUBGRAPHS[0].name)}\``)) for (const s of SUBGRAPHS) names.add(subgraphEnvName(kind, s.name));
    }
  }
  return names;
}

/** The project's run-time source, where a setting is read. */
function sourceText(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) files.push(file);
    }
  };
  for (const dir of ['gateway', 'subgraphs', 'lib', 'directives', 'protocol', 'scripts']) walk(path.join(ROOT, dir));
  return files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
}

function readBySource(name: string, source: string): boolean {
  if (SUBGRAPHS.some((s) => name === subgraphEnvName('URL', s.name) || name === subgraphEnvName('PORT', s.name))) return true;
  return new RegExp(`\\b${name}\\b`).test(source);
}

const processes = (): DeployedProcess[] => [...composeProcesses(), ...k8sProcesses()];
const gateways = () => processes().filter((p) => entryOf(p.command) === GATEWAY_ENTRY);
const subgraphProcesses = () => processes().filter((p) => SUBGRAPH_OF_ENTRY.has(entryOf(p.command)));

describe('deployment files (deploy/) against the code', () => {
  it('runs only the entry points npm run build produces, with plain node: the gateway, each subgraph, the migration', () => {
    const build = fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8');
    expect(JSON.parse(build).compilerOptions.outDir).toBe('dist');
    const entries = processes().map((p) => entryOf(p.command));
    const expected = [GATEWAY_ENTRY, MIGRATE_ENTRY, ...SUBGRAPHS.map((s) => subgraphEntry(s.name))];
    for (const entry of entries) expect(expected).toContain(entry);
    // Both deployments run every process: compose and Kubernetes each.
    for (const set of [composeProcesses(), k8sProcesses()]) expect(new Set(set.map((p) => entryOf(p.command)))).toEqual(new Set(expected));
    for (const entry of expected) expect(fs.existsSync(path.join(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('sets only variables of the README settings table that the code reads', () => {
    const documented = documentedSettings();
    const source = sourceText();
    const dockerfileEnv = [...fs.readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8').matchAll(/^ENV\s+([A-Z_]+)=/gm)].map((m) => m[1]);
    const set = new Map<string, string>();
    for (const p of processes()) for (const name of Object.keys(p.env)) set.set(name, p.where);
    for (const name of dockerfileEnv) set.set(name, 'Dockerfile');
    expect(set.size).toBeGreaterThan(15);
    const undocumented = [...set].filter(([name]) => !documented.has(name)).map(([name, where]) => `${name} (${where})`);
    const unread = [...set].filter(([name]) => !readBySource(name, source)).map(([name, where]) => `${name} (${where})`);
    expect({ undocumented, unread }).toEqual({ undocumented: [], unread: [] });
  });

  it('gives every gateway the secrets production mode requires, and a key to check tokens with', () => {
    expect(gateways().length).toBe(3); // two compose replicas, one Kubernetes StatefulSet
    for (const gateway of gateways()) {
      const env = resolvedEnv(gateway.env);
      expect([gateway.where, env.NODE_ENV]).toEqual([gateway.where, 'production']);
      const settings = readGatewaySettings(env);
      expect(settings.production).toBe(true);
      for (const need of SECRET_NEEDS) expect(() => requireSecret(settings, need)).not.toThrow();
      expect([gateway.where, Boolean(settings.jwt.publicKeyFile || settings.jwt.jwksUrl)]).toEqual([gateway.where, true]);
    }
  });

  it('gives every subgraph its database and the gateway-signature secret, unsigned requests never allowed', () => {
    expect(subgraphProcesses().length).toBe(SUBGRAPHS.length * 2);
    for (const p of subgraphProcesses()) {
      const settings = readSubgraphSettings(SUBGRAPH_OF_ENTRY.get(entryOf(p.command))!, resolvedEnv(p.env));
      expect({ where: p.where, production: settings.production, db: Boolean(settings.databaseUrl), secret: Boolean(settings.gatewaySecret), unsigned: settings.allowUnsigned }).toEqual({ where: p.where, production: true, db: true, secret: true, unsigned: false });
      // All interfaces: reached from the gateways' containers, not only from the subgraph's own.
      expect(settings.host).toBe('0.0.0.0');
    }
    // The platform: the audit's subject key (finding data subjects in the log) and the announcements.
    for (const p of subgraphProcesses().filter((p) => entryOf(p.command) === subgraphEntry('platform'))) {
      expect([p.where, Boolean(resolvedEnv(p.env).AUDIT_SUBJECT_KEY), Boolean(resolvedEnv(p.env).REDIS_URL)]).toEqual([p.where, true, true]);
    }
    // Kubernetes Secret references name keys the placeholder Secrets hold.
    const secrets = new Map(k8sDocuments().filter(({ doc }) => doc.kind === 'Secret').map(({ doc }) => [doc.metadata.name, Object.keys(doc.stringData)]));
    for (const p of k8sProcesses()) {
      for (const [name, value] of Object.entries(p.env)) {
        const ref = /^<secret ([^.]+)\.(.+)>$/.exec(value);
        if (ref) expect([p.where, name, secrets.get(ref[1])?.includes(ref[2])]).toEqual([p.where, name, true]);
      }
    }
  });

  it('routes the gateways to each subgraph at a host running it, on the port the subgraph listens on', () => {
    const composeServices = compose().services as Record<string, { image?: string; command?: string[] }>;
    const k8sServices = new Map(k8sDocuments().filter(({ doc }) => doc.kind === 'Service').map(({ doc }) => [doc.metadata.name, doc]));
    const k8sDeployments = new Map(k8sDocuments().filter(({ doc }) => doc.kind === 'Deployment').map(({ doc }) => [doc.metadata.name, doc]));
    for (const gateway of gateways()) {
      const settings = readGatewaySettings(resolvedEnv(gateway.env));
      expect(Object.keys(settings.subgraphUrls).sort()).toEqual(SUBGRAPHS.map((s) => s.name).sort());
      for (const info of SUBGRAPHS) {
        const url = new URL(settings.subgraphUrls[info.name]);
        expect(url.pathname).toBe('/graphql');
        expect(Number(url.port)).toBe(info.defaultPort);
        const host = url.hostname;
        if (gateway.where.startsWith('compose')) {
          expect([host, composeServices[host]?.command && entryOf(composeServices[host].command!)]).toEqual([host, subgraphEntry(info.name)]);
        } else {
          const service = k8sServices.get(host);
          expect(service?.spec.ports[0].port).toBe(info.defaultPort);
          const deployment = k8sDeployments.get(host);
          expect(deployment?.spec.template.metadata.labels).toEqual(service?.spec.selector);
          expect(entryOf(deployment?.spec.template.spec.containers[0].command)).toBe(subgraphEntry(info.name));
        }
      }
    }
    // Each subgraph listens on its registry port (no SUBGRAPH_PORT_* override) and is probed there.
    for (const p of subgraphProcesses()) {
      const info = SUBGRAPH_OF_ENTRY.get(entryOf(p.command))!;
      expect(readSubgraphSettings(info, resolvedEnv(p.env)).port).toBe(info.defaultPort);
      for (const port of [...p.ports, ...p.probes.map((probe) => probe.port)]) expect([p.where, port]).toEqual([p.where, info.defaultPort]);
      // Alive at /healthz; ready at /readyz, which answers only while its database does.
      const paths = Object.fromEntries(p.probes.map((probe) => [probe.kind, probe.path]));
      if (p.where.startsWith('compose')) expect(paths).toEqual({ healthcheck: '/readyz' });
      else expect(paths).toEqual({ livenessProbe: '/healthz', readinessProbe: '/readyz' });
    }
  });

  it('probes the gateway on its own port: alive at /healthz, ready at /readyz (which fails while draining)', () => {
    for (const gateway of gateways()) {
      const { port } = readGatewaySettings(resolvedEnv(gateway.env));
      expect(port).toBe(readGatewaySettings({}).port); // the code's default
      for (const containerPort of gateway.ports) expect(containerPort).toBe(port);
      for (const probe of gateway.probes) expect(probe.port).toBe(port);
      const paths = Object.fromEntries(gateway.probes.map((probe) => [probe.kind, probe.path]));
      if (gateway.where.startsWith('compose')) expect(paths).toEqual({ healthcheck: '/readyz' });
      else expect(paths).toEqual({ livenessProbe: '/healthz', readinessProbe: '/readyz' });
    }
  });

  it('sends the public proxy to the compose gateways on the gateway port', () => {
    const conf = fs.readFileSync(SHIPPED_NGINX_CONF, 'utf8');
    const upstream = /upstream gateways \{([^}]*)\}/.exec(conf)![1];
    const servers = [...upstream.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]);
    const composeGateways = composeProcesses().filter((p) => entryOf(p.command) === GATEWAY_ENTRY);
    expect(servers.sort()).toEqual(composeGateways.map((g) => `${g.where.replace('compose.yaml services.', '')}:${readGatewaySettings(resolvedEnv(g.env)).port}`).sort());
    // nginx is the one service publishing a port, and it runs the shipped file.
    const published = Object.entries(compose().services as Record<string, { ports?: unknown[]; volumes?: string[] }>).filter(([, s]) => s.ports);
    expect(published.map(([name]) => name)).toEqual(['nginx']);
    expect(published[0][1].volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    // Behind one proxy: the gateways trust exactly its X-Forwarded-For hop.
    for (const gateway of gateways()) expect([gateway.where, gateway.env.TRUST_PROXY_HOPS]).toEqual([gateway.where, '1']);
  });

  it('leaves time to drain, finish requests and ship the audit journal before the kill (SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS)', () => {
    const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)![1]);
    const composeServices = compose().services as Record<string, { stop_grace_period?: string }>;
    for (const gateway of gateways()) {
      const { shutdownDelayMs, shutdownGraceMs } = readGatewaySettings(resolvedEnv(gateway.env));
      const grace = gateway.where.startsWith('compose')
        ? seconds(composeServices[gateway.where.replace('compose.yaml services.', '')].stop_grace_period ?? '10s')
        : k8sDocuments().find(({ doc }) => doc.kind === 'StatefulSet' && doc.metadata.name === 'gateway')!.doc.spec.template.spec.terminationGracePeriodSeconds;
      // At least 5 s beyond the drain for the journal's shipping and the process's exit.
      expect([gateway.where, grace * 1000 >= shutdownDelayMs + shutdownGraceMs + 5000]).toEqual([gateway.where, true]);
    }
    // Behind Kubernetes the endpoints drop a terminating pod asynchronously: keep accepting meanwhile.
    const k8sGateway = gateways().find((g) => g.where.startsWith('k8s'))!;
    expect(readGatewaySettings(resolvedEnv(k8sGateway.env)).shutdownDelayMs).toBeGreaterThan(0);
  });

  it('scales the gateway out and keeps one up through disruptions; migrates in a Job of its own', () => {
    const docs = k8sDocuments().map(({ doc }) => doc);
    const gateway = docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === 'gateway')!;
    const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec.selector.matchLabels).toEqual(gateway.spec.template.metadata.labels);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    const job = docs.find((d) => d.kind === 'Job')!;
    expect(entryOf(job.spec.template.spec.containers[0].command)).toBe(MIGRATE_ENTRY);
    // No workload runs as root.
    for (const workload of docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet' || d.kind === 'Job')) expect([workload.metadata.name, workload.spec.template.spec.securityContext.runAsNonRoot]).toEqual([workload.metadata.name, true]);
    // Compose: the migration finishes before any subgraph starts.
    for (const [name, service] of Object.entries(compose().services as Record<string, any>)) {
      if (service.image === IMAGE && SUBGRAPH_OF_ENTRY.has(entryOf(service.command))) expect([name, service.depends_on.migrate.condition]).toEqual([name, 'service_completed_successfully']);
    }
  });

  it('keeps each gateway replica\'s audit journal on a volume of its own that outlives the replica (never an emptyDir)', () => {
    // Records are fsynced in the journal before the response and shipped after: a journal lost with its
    // pod or node would lose accesses already answered.
    const composeVolumes = Object.keys((compose().volumes ?? {}) as Record<string, unknown>);
    for (const gateway of gateways()) {
      const journalDir = resolvedEnv(gateway.env).AUDIT_JOURNAL_DIR;
      expect([gateway.where, journalDir]).toEqual([gateway.where, expect.stringMatching(/^\//)]);
      if (gateway.where.startsWith('compose')) {
        const service = (compose().services as Record<string, { volumes: string[] }>)[gateway.where.replace('compose.yaml services.', '')];
        const mount = service.volumes.find((v) => v.endsWith(`:${journalDir}`))!;
        expect([gateway.where, composeVolumes.includes(mount.split(':')[0])]).toEqual([gateway.where, true]); // a named volume
        continue;
      }
      const set = k8sDocuments().find(({ doc }) => doc.kind === 'StatefulSet' && doc.metadata.name === 'gateway')!.doc;
      const mount = set.spec.template.spec.containers[0].volumeMounts.find((m: { mountPath: string }) => m.mountPath === journalDir);
      expect(set.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toContain(mount.name);
      expect((set.spec.template.spec.volumes ?? []).some((v: any) => v.name === mount.name)).toBe(false); // not an emptyDir or other pod volume
      expect(set.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenScaled: 'Retain', whenDeleted: 'Retain' });
      const headless = k8sDocuments().find(({ doc }) => doc.kind === 'Service' && doc.metadata.name === set.spec.serviceName)!.doc;
      expect(headless.spec.clusterIP).toBe('None');
    }
    // Two compose replicas never share a journal (each is locked by its replica).
    const composeJournals = gateways().filter((g) => g.where.startsWith('compose')).map((g) => (compose().services as any)[g.where.replace('compose.yaml services.', '')].volumes.find((v: string) => v.includes('journal')));
    expect(new Set(composeJournals).size).toBe(composeJournals.length);
  });

  it('builds the image in two stages: the run-time one on Node 24 with production dependencies only, not root, running the built gateway', () => {
    const dockerfile = fs.readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM\s+/m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/npm run build && npm run build:console/);
    const runtime = stages[1];
    expect(runtime).toMatch(/^node:24/);
    expect(runtime).toMatch(/RUN npm ci --omit=dev\b/);
    expect(runtime).toMatch(/^USER (?!root)\S+/m);
    expect(runtime).not.toMatch(/^COPY (?!--from=build|package\.json)/m); // nothing from the sources but the lock
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]);
    expect(entryOf(cmd)).toBe(GATEWAY_ENTRY);
    for (const gateway of gateways()) expect([gateway.where, gateway.command]).toEqual([gateway.where, cmd]);
  });
});

describe('the shipped nginx.conf keeps operators\' endpoints off the public proxy', () => {
  const found = ensureNginx();
  if (!found.ok) {
    const reason = found.reason;
    if (process.env.REQUIRE_SERVICES === '1') it('has nginx (REQUIRE_SERVICES=1)', () => { throw new Error(reason); });
    else it.skip(`needs nginx: ${reason}`, () => undefined);
    return;
  }

  it('answers 404 for /metrics, /internal/… and the probes without passing them on; passes /graphql', async () => {
    // The upstream: any HTTP server (here, one that records the paths it receives).
    const seen: string[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.url!);
      res.end('upstream');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const nginx = await startNginx({ upstreams: [`127.0.0.1:${(upstream.address() as { port: number }).port}`] });
    try {
      const status = async (p: string) => (await fetch(`http://127.0.0.1:${nginx.port}${p}`)).status;
      for (const p of ['/metrics', '/metrics?name=x', '/internal/audit', '/internal/policy-state?kind=institution&id=1', '/internal', '/healthz', '/readyz', '//metrics', '/internal/../internal/catalog']) {
        expect([p, await status(p)]).toEqual([p, 404]);
      }
      expect(seen).toEqual([]);
      expect(await status('/graphql')).toBe(200);
      expect(await status('/console/')).toBe(200);
      expect(seen).toEqual(['/graphql', '/console/']);
      // The access log names no query string (a GET's arguments may carry personal identifiers).
      await fetch(`http://127.0.0.1:${nginx.port}/graphql?query=%7Bperson(idNumber:%22530102199001011234%22)%7D`);
      expect(nginx.accessLog().join('\n')).not.toContain('530102199001011234');
    } finally {
      await nginx.stop();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
