// The frame every hub–agent WebSocket message shares: a JSON object whose `type` names one message
// of the vocabulary, the protocol version, size limits and the close codes a peer may use.
/** The protocol version spoken by this build; a hello with another one is refused. */
export const PROTOCOL_VERSION = 1;

/** Largest message an agent may send, in bytes (the hub closes the socket past it). */
export const MAX_AGENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Close codes (4000–4999 are the application's own). */
export const CloseCode = {
  /** Malformed, oversized, out-of-order or unknown message. */
  protocolError: 4400,
  /** Missing, unknown, expired, used or revoked token. */
  unauthorized: 4401,
  /** The cluster was removed or its credential revoked while connected. */
  revoked: 4403,
  /** The agent speaks a protocol version this hub does not. */
  unsupportedVersion: 4406,
  /** Missed heartbeats. */
  timeout: 4408,
  /** Another connection for the same cluster replaced this one. */
  replaced: 4409,
  /** The hub is shutting down; reconnect. */
  goingAway: 1001,
} as const;

/** A decode failure: what was wrong and where (a dotted path into the message). */
export interface ProtocolIssue {
  path: string;
  message: string;
}
