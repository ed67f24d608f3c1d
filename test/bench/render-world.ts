// The world of the rendering benchmarks (issue 14): a real hub started in this process (its
// embedded PostgreSQL, its render dispatcher running the built helm), the Git server, clusters
// registered with capabilities recorded as their agents' hello records them (renders need no
// agent), and a chart that looks like a real application's: per component a ServiceAccount,
// ConfigMap, Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget, written with
// the usual _helpers.tpl labels, `toYaml | nindent`, a config checksum and a `toJson` args list,
// plus an Ingress and a NetworkPolicy; three components make a 20-object application, 666 a
// 3,998-object one.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { getCluster, recordAgentHello } from '../../hub/src/store/clusters.ts';
import { listApplications, type ApplicationRecord } from '../../hub/src/store/applications.ts';
import { poll } from './env.ts';

/** What a v1.34 cluster's agent reports (trimmed): every cluster of a benchmark reports the same. */
export const CAPABILITIES = {
  kubeVersion: 'v1.34.4',
  apiVersions: ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'policy/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'apps/v1/Deployment', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/Ingress'],
};

const HELPERS = `{{- define "shop.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .component.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ .component.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}
{{- define "shop.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{ include "shop.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ .root.Values.tenant }}
{{- end -}}
`;

const COMPONENTS = `{{- range .Values.components }}
{{- $ctx := dict "root" $ "component" . }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
data:
  {{- range $k, $v := .config }}
  {{ $k }}: {{ $v | quote }}
  {{- end }}
  application.properties: |
    server.port={{ .port }}
    management.endpoints.web.exposure.include=health,info
    logging.level.root={{ $.Values.logLevel }}

    tenant={{ $.Values.tenant }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ .replicas | default 2 }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ toYaml .config | sha256sum }}
      labels:
        {{- include "shop.selectorLabels" $ctx | nindent 8 }}
    spec:
      serviceAccountName: {{ include "shop.fullname" $ctx }}
      securityContext:
        {{- toYaml $.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: "{{ $.Values.image.registry }}/{{ .image }}:{{ .tag | default $.Chart.AppVersion }}"
          imagePullPolicy: IfNotPresent
          args: {{ toJson .args }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "shop.fullname" $ctx }}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: JAVA_OPTS
              value: "-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8"
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 10
          readinessProbe:
            {{- toYaml $.Values.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{- include "shop.selectorLabels" $ctx | nindent 4 }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "shop.fullname" $ctx }}
  minReplicas: {{ .replicas | default 2 }}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 80
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "shop.fullname" $ctx }}
  labels:
    {{- include "shop.labels" $ctx | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" $ctx | nindent 6 }}
{{- end }}
`;

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  ingressClassName: nginx
  rules:
    - host: {{ .Values.tenant }}.shop.example.com
      http:
        paths:
          {{- range .Values.components }}
          - path: /{{ .name }}
            pathType: Prefix
            backend:
              service:
                name: {{ printf "%s-%s" $.Release.Name .name | trunc 63 }}
                port:
                  name: http
          {{- end }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-default
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
`;

/** The values of a chart with `components` components (3: frontend, api, worker). */
export function shopValues(components: number, tenant: string): string {
  const names = ['frontend', 'api', 'worker'];
  const lines = [`tenant: ${tenant}`, 'logLevel: INFO', 'image:', '  registry: registry.example.com/shop',
    'podSecurityContext:', '  runAsNonRoot: true', '  runAsUser: 10001', '  fsGroup: 10001', '  seccompProfile:', '    type: RuntimeDefault',
    'readinessProbe:', '  httpGet:', '    path: /ready', '    port: http', '  periodSeconds: 5', '  failureThreshold: 3', 'components:'];
  for (let i = 0; i < components; i++) {
    const name = components <= names.length ? names[i]! : `svc-${String(i).padStart(3, '0')}`;
    lines.push(`  - name: ${name}`, `    image: ${name}`, `    tag: "2.${i % 10}.${i % 7}"`, `    port: ${8080 + (i % 10)}`, `    replicas: ${2 + (i % 3)}`,
      '    args: ["--config", "/etc/app/config.yaml", "--verbose"]',
      '    config:', `      FEATURE_FLAGS: "checkout,search,recommendations"`, `      CACHE_TTL: "300"`, `      UPSTREAM_URL: "http://${name}-upstream:8080"`,
      '    resources:', '      requests:', '        cpu: 100m', '        memory: 128Mi', '      limits:', '        memory: 512Mi');
  }
  return `${lines.join('\n')}\n`;
}

/** A chart's files under `dir` (values for `components` components). */
export function shopChart(dir: string, components: number, tenant = 'acme'): Record<string, string> {
  const at = (p: string) => (dir ? `${dir}/${p}` : p);
  return {
    [at('Chart.yaml')]: 'apiVersion: v2\nname: shop\nversion: 1.4.2\nappVersion: "2.0.0"\ndescription: A web shop (frontend, API and workers)\ntype: application\n',
    [at('values.yaml')]: shopValues(components, tenant),
    [at('templates/_helpers.tpl')]: HELPERS,
    [at('templates/components.yaml')]: COMPONENTS,
    [at('templates/ingress.yaml')]: INGRESS,
  };
}

/** Objects the chart renders with `components` components. */
export const objectsOf = (components: number): number => components * 6 + 2;

/** An Argo CD Application with a Helm source. */
export function helmApp(name: string, repoURL: string, path: string, cluster: string, namespace: string, helm: object): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project: 'default', source: { repoURL, path, targetRevision: 'main', helm }, destination: { name: cluster, namespace } },
  };
}

/** A hub in this process and a Git server; clusters registered with the same capabilities. */
export interface RenderWorld {
  t: TestHub;
  git: GitServer;
  repoURL(repo: string): string;
  /** Creates applications through the API and waits until every one has a bundle. */
  createApps(apps: object[]): Promise<void>;
  /** The applications as the store has them (what RepoService.refresh takes). */
  apps(names?: string[]): Promise<ApplicationRecord[]>;
  stats(): { renders: number; renderCacheHits: number };
  stop(): Promise<void>;
}

/** Starts the world: the Git server with `repos`, a hub, `clusters` clusters with CAPABILITIES. */
export async function startRenderWorld(options: { clusters: number; repos: Record<string, Record<string, string>> }): Promise<RenderWorld> {
  const git = await startGitServer();
  for (const [name, files] of Object.entries(options.repos)) git.createRepo(name, files);
  // No poller: every render is one the benchmark asked for.
  const t = await startTestHub({ pollIntervalMs: 3_600_000 });
  try {
    for (let i = 0; i < options.clusters; i++) {
      const name = clusterName(i);
      const added = await t.api('POST', '/api/v1/clusters', { name });
      if (added.status !== 201) throw new Error(`registering ${name}: ${JSON.stringify(added.body)}`);
      const cluster = await getCluster(t.hub.ctx.pool, name);
      await recordAgentHello(t.hub.ctx.pool, cluster!.id, { agentVersion: 'bench', capabilities: CAPABILITIES });
    }
  } catch (error) {
    await t.stop(true);
    await git.close();
    throw error;
  }
  const stats = t.hub.ctx.repo.stats;
  return {
    t,
    git,
    repoURL: (repo) => `${git.url}/${repo}.git`,
    async createApps(apps) {
      for (const app of apps) {
        const res = await t.api('POST', '/api/v1/applications', app);
        if (res.status !== 201) throw new Error(`creating an application answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      const names = new Set(apps.map((a) => (a as { metadata: { name: string } }).metadata.name));
      await poll(`${names.size} applications rendered`, async () => {
        const listed = (await listApplications(t.hub.ctx.pool)).filter((a) => names.has(a.name));
        const failed = listed.find((a) => a.conditions.some((c) => c.type.endsWith('Error')));
        if (failed) throw new Error(`${failed.name}: ${failed.conditions.map((c) => c.message).join('; ')}`);
        return listed.length === names.size && listed.every((a) => a.bundleKey);
      }, 600_000, 200);
    },
    async apps(names) {
      const all = await listApplications(t.hub.ctx.pool);
      return names ? all.filter((a) => names.includes(a.name)) : all;
    },
    stats: () => ({ renders: stats.renders, renderCacheHits: stats.renderCacheHits }),
    async stop() {
      await t.stop(true);
      await git.close();
    },
  };
}

/** The name of the i-th cluster. */
export const clusterName = (i: number): string => `edge-${String(i).padStart(3, '0')}`;

/** Runs a command (not blocking the event loop); answers its wall time and standard output. */
export function timed(file: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...options.env }, ...(options.cwd ? { cwd: options.cwd } : {}) }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve({ ms, stdout });
    });
  });
}
