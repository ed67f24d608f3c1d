// A value the store refuses is the caller's error, not the hub's: PostgreSQL answers SQLSTATE class
// 22 (data exception) for values it cannot hold, e.g. a NUL character in text ("invalid byte
// sequence for encoding UTF8: 0x00", 22021) or in JSON (22P05), or a number out of range (22003).
// Found by schemathesis (issue 13): `GET /api/v1/applications?project=%00` was a 500.
import { invalidInput, type FlotillaError } from '@flotilla/shared';

/** The 400 for a PostgreSQL data exception, or undefined for any other error (pure). */
export function storeInputError(error: unknown): FlotillaError | undefined {
  const { code, message, severity } = (error ?? {}) as { code?: unknown; message?: unknown; severity?: unknown };
  // `severity` marks an error PostgreSQL sent (pg's DatabaseError), not a Node one with a code.
  if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code) || typeof severity !== 'string') return undefined;
  return invalidInput(`a value in the request cannot be stored: ${String(message)}`);
}
