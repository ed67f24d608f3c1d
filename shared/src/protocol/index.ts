// The hub–agent protocol: message schemas and types, limits, close codes, and the decoders.
export * from './envelope.ts';
export * from './assignment.ts';
export * from './hello.ts';
export * from './status.ts';
export * from './resource.ts';
export * from './resource-secrets.ts';
export * from './codec.ts';
export * from './close-reason.ts';
export * from './limits.ts';
export * from './message-shape.ts';
