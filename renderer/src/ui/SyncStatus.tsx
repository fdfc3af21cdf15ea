// What sync is doing, from its progress and error events; quiet when it is idle.
import { useEffect, useState } from 'react';
import { ERROR_TEXT } from '../../../common/errors.js';
import type { SyncProgress } from '../../../common/types.js';
import { useClient } from '../client/context.js';

export function SyncStatus() {
  const client = useClient();
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const offs = [
      client.on('sync.progress', (p) => {
        setProgress(p.phase === 'done' || p.phase === 'idle' ? null : p);
        if (p.phase === 'done') setProblem(null);
      }),
      client.on('sync.error', (e) => setProblem(ERROR_TEXT[e.error.code])),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);
  if (problem) {
    return (
      <span className="sync-status sync-problem" role="status">
        {problem}
      </span>
    );
  }
  if (!progress) return <span className="sync-status" role="status" />;
  const count = progress.total > 0 ? ` ${progress.done}/${progress.total}` : '';
  return (
    <span className="sync-status" role="status">
      Syncing {progress.mailbox ?? ''} ({progress.phase}){count}
    </span>
  );
}
