// secret.txt is a symlink the test makes, to a file outside the repository.
{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { stolen: importstr 'secret.txt' } }
