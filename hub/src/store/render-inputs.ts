// The paths a source's last render read (render_inputs): what the hub compares at the next commit
// to tell whether that source's content changed at all.
import type { Queryable } from './db.ts';

/** The repository paths the last render of this source read, if it was rendered before. */
export async function renderInputsOf(db: Queryable, sourceKey: string): Promise<string[] | undefined> {
  return (await db.query<{ inputs: string[] }>('SELECT inputs FROM render_inputs WHERE source_key = $1', [sourceKey])).rows[0]?.inputs;
}

/** Records the paths a render of this source read. */
export async function saveRenderInputs(db: Queryable, sourceKey: string, inputs: string[]): Promise<void> {
  await db.query(
    `INSERT INTO render_inputs (source_key, inputs) VALUES ($1, $2)
       ON CONFLICT (source_key) DO UPDATE SET inputs = EXCLUDED.inputs, updated_at = now()`,
    [sourceKey, JSON.stringify(inputs)],
  );
}
