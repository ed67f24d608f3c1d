// The Kubernetes objects the benchmarks deploy, as YAML files (no namespace: the destination or
// `kubectl -n` sets it), and the mix of the 1,000-object application.

export const configMap = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

export const deployment = (name: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
`;

export const service = (name: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
    - port: 80
      targetPort: 80
`;

/** How many objects of each kind an application of `total` objects holds (60% ConfigMaps, 20% Services, 20% Deployments). */
export function mix(total: number): { configMaps: number; services: number; deployments: number } {
  const services = Math.round(total * 0.2);
  const deployments = Math.round(total * 0.2);
  return { configMaps: total - services - deployments, services, deployments };
}

/** The files of an application of `total` objects, one object per file, under `dir/`. */
export function largeApp(dir: string, total: number): Record<string, string> {
  const { configMaps, services, deployments } = mix(total);
  const files: Record<string, string> = {};
  const n = (i: number) => String(i).padStart(4, '0');
  for (let i = 0; i < configMaps; i++) files[`${dir}/cm-${n(i)}.yaml`] = configMap(`cm-${n(i)}`, `value-${i}`);
  for (let i = 0; i < services; i++) files[`${dir}/svc-${n(i)}.yaml`] = service(`web-${n(i)}`);
  for (let i = 0; i < deployments; i++) files[`${dir}/deploy-${n(i)}.yaml`] = deployment(`web-${n(i)}`, 1);
  return files;
}
