// A restore in a process of its own that SIGKILLs itself at a given step, for the tests
// of what a crash leaves behind: `restore-child.ts DATA_DIR FILE STEP`.
import { restoreBackup, type RestoreStep } from '../../main/core/backup/restore.js';

const [dataDir, file, killAt] = process.argv.slice(2) as [string, string, RestoreStep];
await restoreBackup({
  dataDir,
  file,
  onStep: (step) => {
    if (step === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('restored\n');
