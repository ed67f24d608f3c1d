// User info: the account, its groups, and Log out.
import type { UserInfo } from '../app.tsx';

/** The user info page. */
export function UserPage({ user, onLogout }: { user: UserInfo; onLogout: () => void }) {
  return (
    <>
      <h1>User info</h1>
      <dl class="summary">
        <div><dt>Username</dt><dd>{user.username}</dd></div>
        <div><dt>Groups</dt><dd>{user.groups.length ? user.groups.join(', ') : 'none'}</dd></div>
      </dl>
      <p class="muted">Change your password with <code>flotilla account update-password</code>; API tokens with <code>flotilla account generate-token</code>.</p>
      <button type="button" onClick={onLogout}>Log out</button>
    </>
  );
}
