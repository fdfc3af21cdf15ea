// The message the reader shows, fetched whole (headers, text, HTML, attachments). A body
// not yet downloaded is fetched by the core on open, so this may take a moment. The HTML
// comes raw: the reader sanitizes it by the same rules as the server, and needs what the
// server would take out to count blocked remote content and load it when the user asks.
import { useCallback, useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { MessageDetail } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';

export interface MessageState {
  detail: MessageDetail | null;
  error: ErrorData | null;
  loading: boolean;
  reload(): void;
}

export function useMessage(client: MaildockClient, id: number | null): MessageState {
  const [state, setState] = useState<{ id: number; detail?: MessageDetail; error?: ErrorData }>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (id === null) return;
    let live = true;
    setState({ id });
    client.call('message.get', { id, raw: true }).then(
      (detail) => live && setState({ id, detail }),
      (err: unknown) => live && setState({ id, error: errorDataOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [client, id, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mine = state && state.id === id ? state : undefined;
  return {
    detail: mine?.detail ?? null,
    error: mine?.error ?? null,
    loading: id !== null && !mine?.detail && !mine?.error,
    reload,
  };
}
