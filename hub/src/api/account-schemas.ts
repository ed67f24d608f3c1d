// Schemas of the account and token API bodies (TypeBox: validation and OpenAPI alike).
import { Type } from '@sinclair/typebox';

const Capabilities = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8, description: 'login and/or apiKey' });

/** Creating an account (admin): no password means it cannot log in until one is set. */
export const AccountCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63 }),
  capabilities: Type.Optional(Capabilities),
  enabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
}, { additionalProperties: false });

/** Enabling or disabling an account, or setting its capabilities. */
export const AccountPatchBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  capabilities: Type.Optional(Capabilities),
}, { additionalProperties: false });

/** Issuing a token: a lifetime (seconds, or a duration such as 24h; 0 or none: never expires) and an id. */
export const TokenCreateBody = Type.Object({
  expiresIn: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 32 })])),
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
}, { additionalProperties: false });

/** An account name in the path. */
export const AccountParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }) });

/** An account name and token id in the path. */
export const AccountTokenParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }), id: Type.String({ minLength: 1, maxLength: 128 }) });

/** A project and role in the path. */
export const RoleParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }), role: Type.String({ minLength: 1, maxLength: 253 }) });

/** A project, role and token id in the path. */
export const RoleTokenParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }), role: Type.String({ minLength: 1, maxLength: 253 }), id: Type.String({ minLength: 1, maxLength: 128 }) });
