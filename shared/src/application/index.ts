// Public surface of the Argo CD Application/AppProject model: schemas, static types, manifest
// parsing and validation.
export * from './schema.ts';
export * from './project-schema.ts';
export { DEFAULT_PROJECT, parseManifestText, validateApplication, validateAppProject, type ParseResult, type ValidationResult } from './validate.ts';
export { MAX_ERRORS, type FieldError } from './field-errors.ts';
export { HELM_VERSIONS } from './source-support.ts';
export { globMatch, globMatches, isDenyPattern, matchesAny, type GlobOptions } from './glob-match.ts';
export * from './project-permits.ts';
export * from './sync-windows.ts';
export { unsupportedProjectFields } from './project-support.ts';
export { hasPostDeleteHooks, namesPostDeleteHook } from './post-delete-hooks.ts';
