// TLS between agents, the CLI and the hub: fingerprints, which hub URLs are acceptable, and trust.
export * from './fingerprint.ts';
export * from './hub-url.ts';
export * from './trust.ts';
