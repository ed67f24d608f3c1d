local h = import 'helpers.libsonnet';
{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: h.port(-1) }] } }
