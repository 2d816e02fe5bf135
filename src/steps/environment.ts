// Build once for the fleet: when a release needs an environment (virtualenv) that the hosts do
// not have yet, one host builds it and the others receive it, instead of each running pip. A
// host takes a shipped environment only if it would have made the same one (same name: same
// requirements, Python version and pip options) on the same platform (architecture and OS
// release); any other host builds its own. The transfer is a file on this machine, streamed.
import type { Command, Step, Upload } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { size } from '../printable.js';
import { pipOptions } from './build.js';

/** What a host says of the environment a release needs (deploy_venv_state). */
export interface EnvironmentState {
  /** Its directory: the same on every host that would build the same one. */
  venv: string;
  complete: boolean;
  /** Architecture and OS release: a shipped environment works only where they match. */
  platform: string;
}

/** Probe, once the release's files are in place: the environment it needs, and whether this host has it. */
export function environmentState(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`deploy_venv_state ${[dir, s.venvsDir, s.python, String(s.systemSitePackages), ...pipOptions(s)]}`,
    as: 'app',
    probe: true,
    name: 'environment',
  };
}

/** The probe's answer; undefined when there is none (a dry run, which does not read it). */
export function parseEnvironmentState(value: string | undefined): EnvironmentState | undefined {
  const m = /^(\/\S+) (yes|no) (\S+)$/.exec(value?.trim() ?? '');
  return m ? { venv: m[1], complete: m[2] === 'yes', platform: m[3] } : undefined;
}

/** The environment built on this host, as a gzip'd tar into `file` on this machine. */
export function sendEnvironment(venv: string, file: string): Step {
  return {
    id: 'send-environment',
    title: `fetch the environment it built (${venv}) to send it to the other hosts`,
    privileged: true,
    commands: [{ run: sh`deploy_send_venv ${venv}`, as: 'app', probe: true }],
    download: file,
  };
}

/** The environment another host built (`from`), checked and put in place here: no pip. */
export function receiveEnvironment(venv: string, archive: Upload, from: string): Step {
  return {
    id: 'receive-environment',
    title: `receive the environment built on ${from} (${size(archive.bytes)}), instead of building it here`,
    privileged: true,
    commands: [{ run: sh`deploy_receive_venv ${venv} ${archive.sha256} ${from}`, as: 'app' }],
    upload: archive,
  };
}
