[1, { apiVersion: 'v1', kind: 'ConfigMap' }]
