// A failed request, readable: the API's own message in a role=alert.
import { errorMessage } from '../api.ts';

/** Shows an error (nothing when there is none). */
export function ErrorAlert({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return <div role="alert" class="alert">{errorMessage(error)}</div>;
}
