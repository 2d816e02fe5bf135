// Building and starting a release: pure functions from settings to commands.
// setup uses them for the first release; deploy and rollback reuse them.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, type Slot } from '../layout.js';
import { raw, sh, type Sh } from '../shell.js';
import { renderTemplate } from '../templates.js';

export interface ReleaseRef {
  /** Directory name under releases/. */
  name: string;
  commit: string;
  ref: string;
  kind?: string;
  /** Hash of the rendered server configs: a deploy of the live commit with the same fingerprint is a no-op. */
  fingerprint?: string;
  /** user@machine that deployed it. */
  by?: string;
}

const TCP = /^(.+):(\d+)$/;

/** Environment every app process and manage.py command gets. */
export function appEnv(s: Settings): Record<string, string> {
  return {
    ...s.env,
    ...(s.django.settingsModule ? { DJANGO_SETTINGS_MODULE: s.django.settingsModule } : {}),
    APP_CONFIG_FILE: s.configFile,
  };
}

export function envPrefix(s: Settings): Sh {
  const pairs = Object.entries(appEnv(s)).map(([k, v]) => `${k}=${v}`);
  return sh`env ${pairs}`;
}

/** Git over the deploy key; the first contact with the git server records its host key. */
export function gitCommand(s: Settings): Sh {
  return sh`git -c core.sshCommand=${'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i ' + layout(s).deployKey}`;
}

/** Probe: prints "<commit> <tag|branch|commit> <ref>" for the ref to deploy (default: branch setting, else the remote default). */
export function resolveRef(s: Settings, ref?: string): Command {
  const L = layout(s);
  const want = ref ?? s.branch;
  const run = want
    ? sh`cd ${L.repo} && want=${want} && if c=$(git rev-parse --verify --quiet "refs/tags/$want^{commit}"); then echo "$c tag $want"; elif c=$(git rev-parse --verify --quiet "refs/heads/$want^{commit}"); then echo "$c branch $want"; else c=$(git rev-parse --verify "$want^{commit}") && echo "$c commit $want"; fi`
    : sh`cd ${L.repo} && echo "$(git rev-parse --verify 'HEAD^{commit}') branch $(git symbolic-ref --short HEAD)"`;
  return { run, as: 'app', probe: true };
}

export function parseResolved(stdout: string): { commit: string; kind: string; ref: string } | undefined {
  const m = /^([0-9a-f]{40}) (tag|branch|commit) (\S+)$/m.exec(stdout.trim());
  return m ? { commit: m[1], kind: m[2], ref: m[3] } : undefined;
}

/** Seed 001: the version shows in the directory name: the tag, else the short commit. */
export function releaseName(commit: string, kind: string, ref: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  const label = kind === 'tag' && /^[A-Za-z0-9._-]+$/.test(ref) ? ref : commit.slice(0, 8);
  return `${stamp}-${label}`;
}

/** Export the commit (no .git), link shared dirs, record what it is. */
export function exportRelease(s: Settings, r: ReleaseRef): Command[] {
  const L = layout(s);
  const dir = L.release(r.name);
  const meta = JSON.stringify({ release: r.name, ref: r.ref, kind: r.kind ?? 'branch', commit: r.commit, time: new Date().toISOString(), by: r.by ?? '', fingerprint: r.fingerprint ?? '' });
  return [
    {
      run: sh`rm -rf ${dir} && mkdir -p ${dir} && cd ${L.repo} && git archive --format=tar ${r.commit} | tar -x -C ${dir}`,
      as: 'app',
      unless: sh`test -f ${dir}/.deploy-release`,
    },
    {
      run: sh`cd ${dir} && for d in media data log; do rm -rf "$d" && ln -sfn ${L.shared}/"$d" "$d"; done && printf '%s\\n' ${meta} > .deploy-release`,
      as: 'app',
      unless: sh`test -f ${dir}/.deploy-release`,
    },
  ];
}

function pipOptions(s: Settings): string[] {
  const opts: string[] = [];
  if (s.pipIndexUrl) opts.push('--index-url', s.pipIndexUrl);
  if (s.pipFindLinks) opts.push('--find-links', s.pipFindLinks);
  if (s.pipFindLinks && !s.pipIndexUrl) opts.push('--no-index');
  return opts;
}

/**
 * The release's environment, cached by the hash of requirements.txt, the Python
 * version and the pip options: an unchanged release reuses it; a changed one gets a
 * new one beside it, so the running release is never disturbed.
 */
export function virtualenv(s: Settings, release: string): Command {
  const L = layout(s);
  const dir = L.release(release);
  const fingerprint = `ssp=${s.systemSitePackages} pip=${pipOptions(s).join(' ')}`;
  const venvArgs = s.systemSitePackages ? ['--system-site-packages'] : [];
  return {
    run: sh`cd ${dir} && key=$({ cat requirements.txt 2>/dev/null || true; ${s.python} -c 'import sys; print(sys.version)'; echo ${fingerprint}; } | sha256sum | cut -c1-16) && venv=${s.venvsDir}/"$key" && if [ ! -f "$venv/.deploy-complete" ]; then rm -rf "$venv" && ${s.python} -m venv ${venvArgs} "$venv"; fi && ln -sfn "$venv" .venv`,
    as: 'app',
    unless: sh`test -f ${dir}/.venv/.deploy-complete`,
  };
}

/** gunicorn comes from requirements or the system site; install it only when missing. */
export function gunicorn(s: Settings, release: string): Command {
  const venv = `${layout(s).release(release)}/.venv`;
  return {
    run: sh`${venv}/bin/python -m pip install --quiet ${pipOptions(s)} gunicorn`,
    as: 'app',
    unless: sh`${venv}/bin/python -c 'import gunicorn'`,
  };
}

export function requirements(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`cd ${dir} && if [ -f requirements.txt ]; then .venv/bin/python -m pip install ${pipOptions(s)} -r requirements.txt; fi && touch .venv/.deploy-complete`,
    as: 'app',
    unless: sh`test -f ${dir}/.venv/.deploy-complete`,
  };
}

/**
 * collectstatic and migrate, when the release has a manage.py: both in one Python
 * process through call_command (one Django start-up instead of two).
 */
export function djangoCommands(s: Settings, release: string): Command[] {
  const dir = layout(s).release(release);
  const calls = [
    ...(s.collectstatic ? ["c('collectstatic', interactive=False, verbosity=1)"] : []),
    ...(s.migrate ? ["c('migrate', interactive=False)"] : []),
  ];
  const cmds: Command[] = [];
  if (calls.length) {
    const code = `from django.core.management import call_command as c; ${calls.join('; ')}`;
    cmds.push({ run: sh`cd ${dir} && ${envPrefix(s)} .venv/bin/python manage.py shell -c ${code}`, as: 'app', unless: sh`test ! -f ${dir}/manage.py` });
  }
  if (s.testCommand) cmds.push({ run: sh`cd ${dir} && ${envPrefix(s)} PATH=${`${dir}/.venv/bin`}:"$PATH" bash -c ${s.testCommand}`, as: 'app' });
  return cmds;
}

export function supervisorConfig(s: Settings, slot: Slot) {
  const L = layout(s);
  return renderTemplate(
    'supervisor.conf',
    {
      app: s.project,
      slot,
      program: L.program(slot),
      slotDir: L.slot(slot),
      gunicornConf: L.gunicornConf,
      bind: L.bind(slot),
      wsgiApp: s.wsgiApp,
      appUser: s.appUser,
      home: s.home,
      settingsModule: s.django.settingsModule ?? '',
      configFile: s.configFile,
      env: s.env,
      stopWait: s.gunicornTimeout + 5,
      logDir: L.log,
    },
    s.file,
  );
}

/** Write the slot's supervisor program (once) and tell supervisor about it. */
export function supervisorProgram(s: Settings, slot: Slot): Command[] {
  const L = layout(s);
  return [
    { run: sh`__put ${L.supervisorConf(slot)} 0644 root:root`, stdin: supervisorConfig(s, slot), reportsChange: true },
    // Re-read only: a running slot is never restarted here; the change applies when the slot
    // next starts (startSlot sees it and updates the program), so setup never interrupts the site.
    { run: sh`if [ "$__step_changed" = 1 ]; then supervisorctl reread >/dev/null; fi`, probe: true },
  ];
}

export function healthUrl(s: Settings, slot: Slot): { curlArgs: string[]; url: string } {
  const bind = layout(s).bind(slot);
  const host = s.django.allowedHosts.find((h) => !h.includes('*')) ?? 'localhost';
  const headers = ['-H', `Host: ${host}`];
  if (bind.startsWith('unix:')) return { curlArgs: ['--unix-socket', bind.slice(5), ...headers], url: `http://localhost${s.healthPath}` };
  const m = TCP.exec(bind)!;
  const addr = m[1] === '0.0.0.0' ? '127.0.0.1' : m[1];
  return { curlArgs: headers, url: `http://${addr}:${m[2]}${s.healthPath}` };
}

/** Point the (stopped) slot at the release and start it. */
export function startSlot(s: Settings, slot: Slot, release: string): Command[] {
  const L = layout(s);
  const program = L.program(slot);
  return [
    // A previous switch stops the old slot in the background: let that finish first. gunicorn
    // may take up to its graceful timeout and supervisor then kills it; an older marker is stale.
    {
      run: sh`m=${stoppingMarker(s, slot)}; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt ${s.gunicornTimeout + 15} ]; do sleep 0.1; done; rm -f "$m"`,
      probe: true,
    },
    // After a reboot the idle slot runs too: stop it (a fault for a stopped or new program is fine).
    { run: sh`__supervisor_rpc stopProcess ${program} 1 || true`, probe: true },
    // Whatever else answers on the slot's address would pass the health check in its place.
    { run: sh`if __addr_in_use ${L.bind(slot)}; then echo ${`${L.bind(slot)} (slot ${slot}) is already in use by another process:`} >&2; ss -Hltnp >&2 || true; exit 1; fi`, probe: true },
    { run: sh`mkdir -p ${L.slots} && ${replaceLink(L.release(release), L.slot(slot))}` },
    // Usually a plain start over XML-RPC; when the program is new or its config changed (this
    // step, or an earlier setup): one supervisorctl for stop, reread, update and start.
    {
      run: sh`if __was_changed ${L.supervisorConf(slot)} || __supervisor_config_changed ${program} || ! __supervisor_rpc startProcess ${program}; then printf '%s\\n' ${['stop ' + program, 'reread', 'update ' + program, 'start ' + program]} | supervisorctl >/dev/null; fi`,
    },
  ];
}

export function stoppingMarker(s: Settings, slot: Slot): string {
  return `${layout(s).slots}/${slot}.stopping`;
}

/** Graceful stop (gunicorn finishes in-flight requests) in the background: the run does not wait for it. */
export function stopSlotInBackground(s: Settings, slot: Slot): Command {
  const marker = stoppingMarker(s, slot);
  const stop = `supervisorctl stop ${layout(s).program(slot)}; rm -f ${marker}`;
  // systemd-run hands the job to systemd at once; a plain background job would hold the SSH session open until it ends.
  return { run: sh`touch ${marker} && if command -v systemd-run >/dev/null; then systemd-run --quiet --no-block --collect sh -c ${stop}; else setsid nohup sh -c ${stop} >/dev/null 2>&1 </dev/null & fi`, probe: true };
}

/** Wait until the slot answers 2xx/3xx on health_path, or fail with its log. */
export function healthCheck(s: Settings, slot: Slot): Command {
  const L = layout(s);
  const { curlArgs, url } = healthUrl(s, slot);
  const t = s.healthTimeout;
  return {
    run: sh`url=${url}; deadline=$((SECONDS + ${t})); until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${curlArgs} "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered \${code:-nothing} for ${t} s; the slot's log ends with:" >&2; tail -n 20 ${`${L.log}/gunicorn-${slot}.log`} >&2 || true; exit 1; fi; sleep 0.02; done; echo "$code"`,
    probe: true,
  };
}

export function upstreamConfig(s: Settings, slot: Slot) {
  const L = layout(s);
  const bind = L.bind(slot);
  return renderTemplate('nginx-upstream.conf', { app: s.project, slot, upstreamName: L.upstreamName, address: bind }, s.file);
}

/**
 * nginx -t guards every reload: a rejected config is put back and the error shown.
 * After the graceful reload, wait (up to 10 s) until the workers of the old
 * configuration have finished their requests and exited: from then on no request can
 * reach what the old configuration pointed at.
 */
export const NGINX_RELOAD = raw(
  [
    'if [ "$__step_changed" = 1 ]; then',
    '  if ! out=$(nginx -t 2>&1); then __restore; echo "nginx -t rejected the new config; the previous one was put back:" >&2; echo "$out" >&2; exit 1; fi',
    '  old_workers=$(pgrep -P "$(cat /run/nginx.pid 2>/dev/null || echo 0)" | tr "\\n" " " || true)',
    '  if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then nginx -s reload; else systemctl restart nginx; fi',
    '  for _ in $(seq 500); do alive=""; for p in $old_workers; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done; [ -n "$alive" ] || break; sleep 0.02; done',
    'fi',
  ].join('\n'),
);
/** Point `link` at `target` atomically: a new link renamed over the old one. */
export function replaceLink(target: string, link: string): Sh {
  return sh`ln -sfn ${target} ${`${link}.tmp`} && mv -T ${`${link}.tmp`} ${link}`;
}

/** Make a release live: current -> release, nginx -> slot (graceful reload). */
export function switchTo(s: Settings, slot: Slot, release: string): Command[] {
  const L = layout(s);
  return [
    { run: replaceLink(L.release(release), L.current), unless: sh`[ "$(readlink ${L.current})" = ${L.release(release)} ]` },
    { run: sh`__put ${L.nginxUpstream} 0644 root:root`, stdin: upstreamConfig(s, slot), reportsChange: true },
    { run: NGINX_RELOAD, probe: true },
    { run: sh`echo ${slot} > ${L.liveSlot}.tmp && mv -T ${L.liveSlot}.tmp ${L.liveSlot}`, unless: sh`[ "$(cat ${L.liveSlot})" = ${slot} ]` },
  ];
}

/** The release is complete: it may be switched to, now or by a rollback. */
export function markBuilt(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return { run: sh`touch ${dir}/.deploy-built`, as: 'app', unless: sh`test -f ${dir}/.deploy-built` };
}
