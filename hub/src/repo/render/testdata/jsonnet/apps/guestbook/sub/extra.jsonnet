// Only rendered with directory.recurse.
{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'extra' } }
