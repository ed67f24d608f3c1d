// The caller's permissions, asked of GET /api/v1/account/can-i once per question and page load.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { canIPath, notAllowedTitle, type CanI } from './lib/permission.ts';

const answers = new Map<string, Promise<CanI>>();

/** Forgets every answer (after logging in or out). */
export function forgetPermissions(): void {
  answers.clear();
}

function ask(path: string): Promise<CanI> {
  let answer = answers.get(path);
  if (!answer) {
    // A failed question (the hub unreachable) is not allowed, and is asked again next time.
    answer = api<CanI>('GET', path).catch((error: unknown) => {
      answers.delete(path);
      return { allowed: false, reason: (error as Error).message };
    });
    answers.set(path, answer);
  }
  return answer;
}

/** Whether the caller may do it: `disabled` until the answer says yes, `title` the reason when it says no. */
export function useCan(resource: string, action: string, object: string): { disabled: boolean; title?: string } {
  const path = canIPath(resource, action, object);
  const [answer, setAnswer] = useState<{ path: string; value: CanI } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void ask(path).then((value) => {
      if (live) setAnswer({ path, value });
    });
    return () => {
      live = false;
    };
  }, [path]);
  const value = answer?.path === path ? answer.value : undefined;
  return { disabled: !value?.allowed, title: notAllowedTitle(resource, action, object, value) };
}
