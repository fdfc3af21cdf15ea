// The server image's build context, staged the way an operator stages it
// (scripts/server-image.sh, into build/server-image where the stack looks for it). The app is
// built first when dist/ is missing; the image itself is built by `stack up`, and its tag is
// the stamp of what was staged, so an unchanged app is not built again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export function stageServerImage(): void {
  const built = ['dist/main/cli/main.js', 'dist/renderer/index.html'].every((f) =>
    existsSync(path.join(ROOT, f)),
  );
  if (!built) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync('bash', [path.join(ROOT, 'scripts/server-image.sh')], { cwd: ROOT, stdio: 'pipe' });
}
