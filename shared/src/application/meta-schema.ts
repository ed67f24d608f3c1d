// Kubernetes ObjectMeta as it appears on Argo CD objects, including the server-populated fields
// that `kubectl get -o yaml` prints (uid, resourceVersion, managedFields, ...), plus the API group
// constants shared by the Application and AppProject schemas.
import { Type, type Static } from '@sinclair/typebox';

/** The apiVersion every Argo CD object in this package carries. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/** Object options that make a TypeBox object reject fields it does not declare. */
export const strict = { additionalProperties: false } as const;

/** A map of string to string (labels, annotations, Helm-style key/value maps). */
export const StringMapSchema = Type.Record(Type.String(), Type.String());

/** A list of strings. */
export const StringListSchema = Type.Array(Type.String());

/** metadata.ownerReferences[] entry. */
export const OwnerReferenceSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  uid: Type.String(),
  controller: Type.Optional(Type.Boolean()),
  blockOwnerDeletion: Type.Optional(Type.Boolean()),
}, strict);

/** metadata.managedFields[] entry (server-side apply bookkeeping); fieldsV1 is opaque. */
export const ManagedFieldsEntrySchema = Type.Object({
  manager: Type.Optional(Type.String()),
  operation: Type.Optional(Type.String()),
  apiVersion: Type.Optional(Type.String()),
  time: Type.Optional(Type.String()),
  fieldsType: Type.Optional(Type.String()),
  fieldsV1: Type.Optional(Type.Unknown()),
  subresource: Type.Optional(Type.String()),
}, strict);

/** Kubernetes ObjectMeta: name is required; every other standard field is tolerated. */
export const ObjectMetaSchema = Type.Object({
  name: Type.String(),
  generateName: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  selfLink: Type.Optional(Type.String()),
  uid: Type.Optional(Type.String()),
  resourceVersion: Type.Optional(Type.String()),
  generation: Type.Optional(Type.Integer()),
  creationTimestamp: Type.Optional(Type.String()),
  deletionTimestamp: Type.Optional(Type.String()),
  deletionGracePeriodSeconds: Type.Optional(Type.Integer()),
  labels: Type.Optional(StringMapSchema),
  annotations: Type.Optional(StringMapSchema),
  ownerReferences: Type.Optional(Type.Array(OwnerReferenceSchema)),
  finalizers: Type.Optional(StringListSchema),
  managedFields: Type.Optional(Type.Array(ManagedFieldsEntrySchema)),
}, strict);
/** Kubernetes ObjectMeta. */
export type ObjectMeta = Static<typeof ObjectMetaSchema>;
