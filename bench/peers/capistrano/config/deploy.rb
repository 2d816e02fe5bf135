# The same release deploy as `deploy` (fetch, export, virtualenv reused by requirements hash,
# collectstatic, migrate, symlink switch, gunicorn restart, keep 5), with Capistrano's own
# flow for most of it: git SCM (mirror in repo/, `git archive`), releases/, shared/, current.
#   BENCH_REPO=git@... BENCH_HOSTS=ip,... BENCH_KEY=key [BENCH_APP=demo|shop] cap bench deploy | deploy:rollback
lock "~> 3.17"

# The example app (demo or shop): its directories, Python package and program are named after it.
set :application, ENV.fetch("BENCH_APP", "demo")
app = fetch(:application)
set :repo_url, ENV.fetch("BENCH_REPO")
set :branch, "main"
set :deploy_to, "/opt/django/apps/#{app}"
set :keep_releases, 5
set :linked_dirs, %w[media data log]
set :ssh_options, keys: [ENV.fetch("BENCH_KEY")], auth_methods: %w[publickey], verify_host_key: :never
# Its log goes where the bench says, not into this directory.
set :format_options, log_file: ENV.fetch("BENCH_CAP_LOG", "/dev/null")
set :default_env, {
  "DJANGO_SETTINGS_MODULE" => "#{app}.settings.prod",
  "APP_CONFIG_FILE" => "/opt/django/configs/apps/#{app}.conf",
}

namespace :django do
  desc "Give the release its virtualenv (one per requirements.txt and Python version)"
  task :virtualenv do
    on roles(:app) do
      within release_path do
        key = capture(:sh, "-c", "'cat requirements.txt && python3 --version'", "|", :sha256sum)[0, 16]
        venv = "/opt/django/virtualenvs/#{fetch(:application)}/cap-#{key}"
        unless test("[ -f #{venv}/.ok ]")
          execute :python3, "-m venv --system-site-packages", venv
          execute "#{venv}/bin/pip", "install -q --disable-pip-version-check --no-index -r requirements.txt"
          execute :touch, "#{venv}/.ok"
        end
        execute :ln, "-sfn", venv, ".venv"
      end
    end
  end

  desc "collectstatic and migrate"
  task :build do
    on roles(:app) do
      within release_path do
        execute ".venv/bin/python", "manage.py collectstatic --noinput -v0"
        execute ".venv/bin/python", "manage.py migrate --noinput -v0"
      end
    end
  end

  desc "Restart gunicorn on the release `current` now points at"
  task :restart do
    on roles(:app) do
      execute :sudo, "-n supervisorctl restart #{fetch(:application)}-a"
    end
  end
end

after "deploy:updated", "django:virtualenv"
after "django:virtualenv", "django:build"
# deploy:published comes in both flows, deploy and deploy:rollback.
after "deploy:published", "django:restart"
