// `maildock doctor`: what this machine has for Maildock. It opens no service, so it works
// where the data folder cannot be opened.
import type { Command } from 'commander';
import { diagnose, doctorText } from '../core/doctor.js';
import { printJson, stdio } from './output.js';
import { dataDirOf } from './run.js';

export function addDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('what this machine has for Maildock: Electron, Docker, a keychain, free ports')
    .action(async (_o, cmd: Command) => {
      const out = stdio(!!cmd.optsWithGlobals<{ json?: boolean }>().json);
      const report = await diagnose({ dataDir: dataDirOf(cmd) });
      if (out.json) printJson(out, report);
      else out.write(doctorText(report));
    });
}
