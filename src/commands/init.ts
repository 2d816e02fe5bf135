// `deploy init [app]`: writes a commented settings.ini (settings.example.ini's text, from the
// key table, with the user's values), asking for the essentials (or taking them as options);
// never overwrites an existing file.
import { existsSync, writeFileSync } from 'node:fs';
import chalk from 'chalk';
import { UsageError } from '../errors.js';
import { exampleSettings } from '../settings/example.js';
import { parseSettings } from '../settings/load.js';

export interface InitOptions {
  config: string;
  yes: boolean;
  app?: string;
  repository?: string;
  hosts?: string;
  settingsModule?: string;
}

export async function initCommand(opts: InitOptions): Promise<void> {
  if (existsSync(opts.config))
    throw new UsageError(
      `${opts.config} already exists: not overwriting it`,
      'Edit it, or pass -c OTHER_FILE to write a new one.',
    );
  const interactive = !opts.yes && !!process.stdin.isTTY;
  const values = {
    app: opts.app ?? 'myapp',
    repository: opts.repository ?? 'git@github.com:me/myapp.git',
    hosts: opts.hosts ?? 'ubuntu@203.0.113.10',
    settingsModule: opts.settingsModule,
  };
  if (interactive) {
    const { input } = await import('@inquirer/prompts');
    values.app = await input({
      message: 'App name (project_name):',
      default: values.app,
      validate: (v) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(v) || 'letters, digits, - and _',
    });
    values.repository = await input({ message: 'Git repository URL:', default: opts.repository });
    values.hosts = await input({ message: 'Servers (user@host[:port], comma-separated):', default: opts.hosts });
    values.settingsModule = await input({
      message: 'DJANGO_SETTINGS_MODULE:',
      default: values.settingsModule ?? `${values.app}.settings.prod`,
    });
  }
  const settingsModule = values.settingsModule ?? `${values.app}.settings.prod`;
  const text = exampleSettings({ ...values, settingsModule }, { writtenBy: '`deploy init`' });
  // What we write must load: the same validation every command runs.
  parseSettings(text, { app: values.app, file: opts.config });
  writeFileSync(opts.config, text, { flag: 'wx' });
  // Name only what really is still a placeholder (nothing, when every value was given).
  const placeholders = interactive
    ? []
    : [...(opts.repository ? [] : ['repository']), ...(opts.hosts ? [] : ['deploy_hosts'])];
  const note = placeholders.length ? ` (placeholders: edit ${placeholders.join(' and ')})` : '';
  process.stdout.write(
    `${chalk.green('wrote')} ${opts.config}${note}\nnext: deploy ${values.app} setup --dry-run, then deploy ${values.app} setup\n`,
  );
}
