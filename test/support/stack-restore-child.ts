// A whole restore (data folder and the stack's data) in a process of its own that SIGKILLs
// itself soon after the stack's progress says `MESSAGE…`, for the tests of a crash while the
// stack's data goes back: `stack-restore-child.ts DATA_DIR FILE SECRET_KEY MESSAGE`.
import { MaildockService } from '../../main/core/service.js';

const [dataDir, file, secretKey, message] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
await MaildockService.restoreBackup(dataDir, file, {
  secretKey,
  onStackProgress: (p) => {
    // A moment later: in the middle of the step, not between two.
    if (p.message.startsWith(message)) setTimeout(() => process.kill(process.pid, 'SIGKILL'), 150);
  },
});
process.stdout.write('restored\n');
