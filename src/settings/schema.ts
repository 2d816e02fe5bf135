// The settings keys: one table that drives parsing, validation, defaults and the docs.
export type SectionName = 'DEPLOY' | 'APP' | 'EMAIL';

export interface KeyDef {
  section: SectionName;
  key: string;
  aliases?: string[];
  required?: boolean;
  /** Shown in settings.example.ini and the README. */
  doc: string;
  default?: string;
  secret?: boolean;
  /** Longest value accepted (characters); default 4096. Name-like keys are shorter. */
  max?: number;
}

export const KEYS: KeyDef[] = [
  { section: 'DEPLOY', key: 'project_name', required: true, max: 40, doc: 'App name: used for paths, the supervisor programs and the nginx site.' },
  { section: 'DEPLOY', key: 'repository', aliases: ['repositorio'], required: true, max: 1024, doc: 'Git URL the servers clone with their deploy key.' },
  { section: 'DEPLOY', key: 'repository_type', default: 'git', max: 16, doc: 'Only git is supported.' },
  { section: 'DEPLOY', key: 'branch', max: 255, doc: "Branch to deploy; default: the repository's default branch." },
  { section: 'DEPLOY', key: 'deploy_hosts', required: true, doc: 'Comma-separated user@host[:port]; the user needs passwordless sudo.' },
  { section: 'DEPLOY', key: 'identity_file', max: 1024, doc: 'SSH private key; default: the ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.' },
  { section: 'DEPLOY', key: 'strict_host_keys', default: 'no', doc: 'yes: refuse every host whose key is not already in known_hosts, even with --yes (CI with a provisioned known_hosts); no: --yes accepts and records new hosts (OpenSSH accept-new).' },
  { section: 'DEPLOY', key: 'config_file', aliases: ['arquivo_config'], max: 1024, default: '<home>/configs/apps/<project_name>.conf', doc: "The app's config file (secret_key, database, email)." },
  { section: 'DEPLOY', key: 'home', default: '/opt/django', max: 1024, doc: "The app user's home: deploy key, configs, apps, virtualenvs." },
  { section: 'DEPLOY', key: 'app_user', default: 'django', max: 32, doc: 'System user the app runs as (no password, no login shell needed).' },
  { section: 'DEPLOY', key: 'deploy_user', max: 32, doc: 'SSH user without root that deploy, rollback, status, logs, run and unlock log in as (setup, which logs in as the deploy_hosts user, creates it); must differ from app_user.' },
  { section: 'DEPLOY', key: 'deploy_user_keys', doc: 'Comma-separated local public key files (.pub, ~/ allowed) authorised for deploy_user; default: the .pub next to identity_file.' },
  { section: 'DEPLOY', key: 'gunicorn_bind', max: 255, default: '127.0.0.1:8000', doc: 'Address of the first gunicorn slot: host:port or unix:/path.' },
  { section: 'DEPLOY', key: 'gunicorn_bind_alt', max: 255, default: 'port + 1 (or <socket>-b)', doc: 'Address of the second slot (zero-downtime switch).' },
  { section: 'DEPLOY', key: 'gunicorn_workers', max: 16, default: '2', doc: 'gunicorn worker processes per slot.' },
  { section: 'DEPLOY', key: 'gunicorn_timeout', max: 16, default: '30', doc: 'gunicorn worker timeout, seconds.' },
  { section: 'DEPLOY', key: 'wsgi_app', max: 255, default: '<first part of settings_file>.wsgi:application', doc: 'WSGI callable gunicorn serves.' },
  { section: 'DEPLOY', key: 'server_name', max: 1024, default: '_', doc: 'nginx server_name; _ makes the site the default one on port 80.' },
  { section: 'DEPLOY', key: 'python', max: 1024, default: 'python3', doc: 'Python interpreter used to create virtualenvs.' },
  { section: 'DEPLOY', key: 'system_site_packages', max: 16, default: 'no', doc: 'Create virtualenvs with --system-site-packages (use Debian python3-* packages).' },
  { section: 'DEPLOY', key: 'pip_index_url', max: 2048, doc: 'pip --index-url (a private mirror).' },
  { section: 'DEPLOY', key: 'pip_find_links', max: 2048, doc: 'pip --find-links (a directory or URL of wheels, for offline servers).' },
  { section: 'DEPLOY', key: 'extra_packages', default: '', doc: 'More Debian packages setup installs (space or comma separated).' },
  { section: 'DEPLOY', key: 'keep_releases', max: 16, default: '5', doc: 'Releases kept on each server.' },
  { section: 'DEPLOY', key: 'health_path', max: 1024, default: '/', doc: 'Path fetched to prove a new release is up.' },
  { section: 'DEPLOY', key: 'health_timeout', max: 16, default: '30', doc: 'Seconds a new release has to answer its health check.' },
  { section: 'DEPLOY', key: 'migrate', max: 16, default: 'yes', doc: 'Run manage.py migrate on deploy.' },
  { section: 'DEPLOY', key: 'collectstatic', max: 16, default: 'yes', doc: 'Run manage.py collectstatic on deploy.' },
  { section: 'DEPLOY', key: 'test_command', doc: 'Command run in the new release before it starts (e.g. python manage.py test).' },

  { section: 'APP', key: 'settings_file', max: 255, doc: 'DJANGO_SETTINGS_MODULE, e.g. myapp.settings.prod.' },
  { section: 'APP', key: 'debug', max: 16, default: 'False', doc: 'Django DEBUG, written to the config file.' },
  { section: 'APP', key: 'allowed_hosts', default: 'server_name, the hosts, localhost', doc: 'Django ALLOWED_HOSTS, comma-separated.' },
  { section: 'APP', key: 'database_url', default: 'sqlite:///<app root>/shared/data/db.sqlite3', doc: 'Database URL written to the config file.' },

  { section: 'EMAIL', key: 'default_from_email', max: 320, doc: 'Django DEFAULT_FROM_EMAIL.' },
  { section: 'EMAIL', key: 'email_host', max: 253, doc: 'SMTP server.' },
  { section: 'EMAIL', key: 'email_host_password', secret: true, doc: 'SMTP password (never printed or logged).' },
  { section: 'EMAIL', key: 'email_host_user', max: 320, doc: 'SMTP user.' },
  { section: 'EMAIL', key: 'email_port', max: 16, doc: 'SMTP port.' },
  { section: 'EMAIL', key: 'email_use_tls', max: 16, doc: 'True/False.' },
  { section: 'EMAIL', key: 'email_use_ssl', max: 16, doc: 'True/False.' },
];

/** Sections whose keys are free-form. */
export const FREE_SECTIONS = ['ENV', 'COMMANDS'] as const;
export const SECTIONS = ['DEPLOY', 'APP', 'EMAIL', ...FREE_SECTIONS] as const;
