// The error catalogue: every error the API returns has a stable code, an HTTP status, a message
// saying what is wrong, and where relevant the field (dotted path into the user's input).
/** A field-level problem in user input. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The catalogue: code → HTTP status. */
export const ErrorCodes = {
  FLT_ERR_INVALID_INPUT: 400,
  FLT_ERR_UNAUTHENTICATED: 401,
  FLT_ERR_PERMISSION_DENIED: 403,
  FLT_ERR_NOT_FOUND: 404,
  FLT_ERR_ALREADY_EXISTS: 409,
  FLT_ERR_CONFLICT: 409,
  FLT_ERR_PAYLOAD_TOO_LARGE: 413,
  FLT_ERR_TOO_MANY_REQUESTS: 429,
  FLT_ERR_NOT_IMPLEMENTED: 501,
  FLT_ERR_UNAVAILABLE: 503,
  FLT_ERR_TIMEOUT: 504,
  FLT_ERR_INTERNAL: 500,
} as const;

/** One of the catalogue's codes. */
export type ErrorCode = keyof typeof ErrorCodes;

/** An error meant for the API's caller. */
export class FlotillaError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly issues: FieldIssue[];
  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlotillaError';
    this.code = code;
    this.statusCode = ErrorCodes[code];
    this.issues = issues;
  }
}

/** 400: the input is wrong; issues say where. */
export const invalidInput = (message: string, issues: FieldIssue[] = []) => new FlotillaError('FLT_ERR_INVALID_INPUT', message, issues);
/** 404 for a named object. */
export const notFound = (kind: string, name: string) => new FlotillaError('FLT_ERR_NOT_FOUND', `${kind} "${name}" not found`);
/** 409 for a named object that exists. */
export const alreadyExists = (kind: string, name: string) => new FlotillaError('FLT_ERR_ALREADY_EXISTS', `${kind} "${name}" already exists`);
/** 401. */
export const unauthenticated = (message = 'authentication required: log in or send a bearer token') => new FlotillaError('FLT_ERR_UNAUTHENTICATED', message);
/** 429: slow down; retryAfterSeconds is sent as the Retry-After header. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) => Object.assign(new FlotillaError('FLT_ERR_TOO_MANY_REQUESTS', message), { retryAfterSeconds });
/** 403 with the reason the policy gave. */
export const permissionDenied = (message: string) => new FlotillaError('FLT_ERR_PERMISSION_DENIED', message);

/** The JSON body of every API error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: FieldIssue[] };
}
