// Imported from beside main.jsonnet (not evaluated by itself).
{
  labels(env):: { environment: env },
}
