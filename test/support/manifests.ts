// Kubernetes manifests as YAML text for tests, benchmarks and the demo (no namespace: the
// application's destination, or `kubectl -n`, sets it).

/** A ConfigMap with one `value` key. */
export const configMapYaml = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/** A Deployment of nginx with `replicas` replicas, selected by `app: name`. */
export const deploymentYaml = (name: string, replicas: number): string => `apiVersion: apps/v1
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

/** A ClusterIP Service in front of the Deployment of the same name. */
export const serviceYaml = (name: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
    - port: 80
      targetPort: 80
`;
