// TLAs: name (a string), replicas (code); ext vars: env (a string), settings (code).
local k = import 'k.libsonnet';
local util = import 'util.libsonnet';
local settings = std.extVar('settings');

function(name, replicas=1)
  [
    k.deployment(name, settings.image, replicas) + { metadata+: { labels: util.labels(std.extVar('env')) } },
    k.configMap(name + '-settings', { env: std.extVar('env'), debug: std.toString(settings.debug) }),
  ]
