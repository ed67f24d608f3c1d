// The shared workspace's public surface: protocol, TLS trust, Application types and validation, errors, logging.
export * from './protocol/index.ts';
export * from './tls/index.ts';
export * from './application/index.ts';
export * from './content-key.ts';
export * from './errors.ts';
export * from './logger.ts';
