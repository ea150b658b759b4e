// The deployment files (deploy/), read as data for the tests that check them against the code:
// test/deploy.test.ts (statically) and test/build.test.ts (their commands and probes on a built stack).
import fs from 'node:fs';
import path from 'node:path';
import { parseYamlDocuments, type YamlValue } from './yaml-subset';

export const DEPLOY_DIR = path.resolve(__dirname, '../../deploy');

type Doc = { [key: string]: any };

/** A process the deployment runs from the project's image: where it is declared, its command and environment. */
export interface DeployedProcess {
  where: string;
  command: string[];
  /** Literal values; a compose `${VAR:?…}` stays as written, a Kubernetes secret/field reference as `<secret NAME.KEY>`. */
  env: Record<string, string>;
  /** Kubernetes: the container's ports and probe paths; compose: the paths its health check fetches. */
  ports: number[];
  probes: { kind: string; path: string; port: number }[];
}

export const IMAGE = 'public-data-gateway';

export function readYaml(file: string): Doc[] {
  return parseYamlDocuments(fs.readFileSync(path.join(DEPLOY_DIR, file), 'utf8')) as Doc[];
}

export function compose(): Doc {
  return readYaml('compose.yaml')[0];
}

export function k8sDocuments(): { file: string; doc: Doc }[] {
  return fs
    .readdirSync(path.join(DEPLOY_DIR, 'k8s'))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => readYaml(path.join('k8s', file)).map((doc) => ({ file: `k8s/${file}`, doc })));
}

/** The compose services running the project's image. */
export function composeProcesses(): DeployedProcess[] {
  return Object.entries(compose().services as Doc)
    .filter(([, service]) => service.image === IMAGE)
    .map(([name, service]) => {
      const probes = (service.healthcheck?.test ?? [])
        .flatMap((part: string) => [...String(part).matchAll(/http:\/\/127\.0\.0\.1:(\d+)(\/[a-z]+)/g)])
        .map((m: RegExpMatchArray) => ({ kind: 'healthcheck', path: m[2], port: Number(m[1]) }));
      const env = Object.fromEntries(Object.entries((service.environment ?? {}) as Doc).map(([k, v]) => [k, String(v)]));
      return { where: `compose.yaml services.${name}`, command: service.command, env, ports: [], probes };
    });
}

/** The containers of the Kubernetes workloads (Deployments, StatefulSets, Jobs), ConfigMap values included. */
export function k8sProcesses(): DeployedProcess[] {
  const documents = k8sDocuments();
  const configMaps = new Map(documents.filter(({ doc }) => doc.kind === 'ConfigMap').map(({ doc }) => [doc.metadata.name, doc.data as Doc]));
  return documents
    .filter(({ doc }) => doc.kind === 'Deployment' || doc.kind === 'StatefulSet' || doc.kind === 'Job')
    .flatMap(({ file, doc }) =>
      (doc.spec.template.spec.containers as Doc[]).map((container) => {
        const env: Record<string, string> = {};
        for (const from of (container.envFrom ?? []) as Doc[]) {
          const data = configMaps.get(from.configMapRef?.name);
          if (!data) throw new Error(`${file}: ${container.name} reads ConfigMap ${from.configMapRef?.name}, which no file declares`);
          for (const [k, v] of Object.entries(data)) env[k] = String(v);
        }
        for (const entry of (container.env ?? []) as Doc[]) {
          const ref = entry.valueFrom?.secretKeyRef;
          env[entry.name] = ref ? `<secret ${ref.name}.${ref.key}>` : entry.valueFrom ? '<field>' : String(entry.value);
        }
        const probes = (['livenessProbe', 'readinessProbe'] as const)
          .filter((kind) => container[kind])
          .map((kind) => ({ kind, path: container[kind].httpGet.path, port: Number(container[kind].httpGet.port) }));
        return { where: `${file} ${doc.kind}/${doc.metadata.name}`, command: container.command, env, ports: ((container.ports ?? []) as Doc[]).map((p) => Number(p.containerPort)), probes };
      }),
    );
}

/** The dist/ file a command runs (`node [flags] dist/….js`). */
export function entryOf(command: string[]): string {
  const entry = command.find((part) => part.startsWith('dist/'));
  if (command[0] !== 'node' || !entry) throw new Error(`not a "node dist/…" command: ${JSON.stringify(command)}`);
  return entry;
}

/** A value for a variable as the process would receive it: references to secrets and compose's `${VAR}` filled in. */
export function resolvedEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('<') || v.includes('${') ? `provided-${k}` : v]));
}

export type { YamlValue };
