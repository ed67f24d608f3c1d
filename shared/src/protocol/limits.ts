// Size bounds of what the hub sends an agent. Each side enforces them on what it receives (the
// agent's WebSocket maxPayload, its bundle download cap) and the hub refuses to send past them, so
// neither side buffers without bound. MAX_AGENT_MESSAGE_BYTES (envelope.ts) bounds the other way.

/** Largest WebSocket message the hub sends an agent, in bytes (snapshots are the large ones). */
export const MAX_HUB_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Largest bundle (JSON body of GET /api/v1/agent/bundles/:key) an agent downloads by default. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
