// The process manager's former entry point, kept only while setup.ts, deploy.ts and slots.ts
// still import it: each name here is the process manager's (./manager/index.ts) in the old
// shape. Remove this file once they call ./manager/ themselves.
import type { Settings } from '../settings/types.js';
import type { Slot } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { processManager, rereadPrograms, stopPrograms } from './manager/index.js';

export { controlFiles, ctl, programOf, programStates, slotLog } from './manager/index.js';
export { requiredServices, requireServices } from './manager/services.js';

export const programFile = (s: Settings, name: string) => processManager(s).programFile(name);
export const slotProgramContent = (s: Settings, slot: Slot) => processManager(s).slotProgram(slot);
export const bootUnitFile = (s: Settings) => processManager(s).bootUnit.file;
export const bootUnitContent = (s: Settings) => processManager(s).bootUnit.content;
/** Unconditional: the callers test the step's flag themselves. */
export const reloadPrograms = (s: Settings): Sh => rereadPrograms(s, sh`1`);
export const stopProgram = (s: Settings, name: string): Sh => stopPrograms(s, [name]);
