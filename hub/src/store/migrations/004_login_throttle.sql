-- Failed login attempts, for throttling per account and client address (hub/src/api/login-throttle.ts).
-- A row is written when an attempt starts and removed when it succeeds or is refused unchecked;
-- rows older than the longest throttle window are deleted as attempts come in.

CREATE TABLE login_failures (
  id      bigserial PRIMARY KEY,
  account text NOT NULL,
  address text NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX login_failures_at ON login_failures (at);
