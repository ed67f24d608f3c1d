{
  port(n)::
    if n > 0 then n
    else error 'port must be positive, got ' + n,
}
