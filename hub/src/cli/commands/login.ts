// `flotilla login URL` (opens a session and saves the hub URL and token in the config file) and
// `flotilla logout` (ends the session on the hub and forgets the token).
import type { Command } from 'commander';
import { ApiClient } from '../client.ts';
import { configPath, loadConfig, normalizeServer, resolveTarget, saveConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { globalsOf, print, secretOrPrompt } from '../kit.ts';

/** Adds `login` and `logout`. */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('log in to a hub and remember it (and the session token) in the config file')
    .argument('<url>', 'the hub URL, e.g. http://127.0.0.1:8080')
    .option('--username <name>', 'account name', 'admin')
    .option('--password <password>', 'password (asked for on a terminal when left out)')
    .action(async (url: string, opts: { username: string; password?: string }) => {
      let server: string;
      try {
        server = normalizeServer(url);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const password = await secretOrPrompt(opts.password, '--password', `password for ${opts.username}: `);
      const answer = await new ApiClient(server).request<{ token: string; username: string }>('POST', '/api/v1/session', {
        body: { username: opts.username, password },
      });
      const path = configPath();
      saveConfig({ ...loadConfig(path), server, token: answer.body.token, username: answer.body.username }, path);
      print(`logged in to ${server} as ${answer.body.username}`);
    });

  program
    .command('logout')
    .description('end the session on the hub and forget its token')
    .action(async (_opts: unknown, cmd: Command) => {
      const path = configPath();
      const config = loadConfig(path);
      const target = resolveTarget(globalsOf(cmd), process.env, config);
      if (!target.server || !target.token) {
        print('not logged in');
        return;
      }
      let note = '';
      try {
        await new ApiClient(target.server, target.token).request('DELETE', '/api/v1/session');
      } catch (error) {
        note = ` (the hub was not told: ${(error as Error).message})`;
      }
      if (config.token === target.token) saveConfig({ server: config.server, username: config.username }, path);
      print(`logged out of ${target.server}${note}`);
    });
}
