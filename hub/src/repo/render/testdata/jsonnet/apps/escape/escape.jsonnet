// Reads a file above the repository root: refused before jsonnet runs.
{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { stolen: importstr '../../../../../../etc/hostname' } }
