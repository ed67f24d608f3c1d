// The Kubernetes objects the benchmarks deploy, as YAML files (no namespace: the destination or
// `kubectl -n` sets it), and the mix of the 1,000-object application.

export { configMapYaml as configMap, deploymentYaml as deployment, serviceYaml as service } from '../support/manifests.ts';
import { configMapYaml as configMap, deploymentYaml as deployment, serviceYaml as service } from '../support/manifests.ts';

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
