// Node's `http` client, loaded with require() instead of `import`. An ES module import of a
// built-in reads every export to build its namespace, and node:http has three lazy getters
// (WebSocket, CloseEvent, MessageEvent) that load Node's bundled undici when read: about 16 MB of
// resident memory on Node 24 for a module the agent never uses. require() leaves them unread.
import { createRequire } from 'node:module';

/** `http.request` from node:http, without loading undici. */
export const httpRequest: typeof import('node:http').request = (createRequire(import.meta.url)('node:http') as typeof import('node:http')).request;
