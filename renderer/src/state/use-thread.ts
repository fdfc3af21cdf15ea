// The conversation of the message in the reader: every stored message of its thread, in
// any folder, oldest first. null until it is known (the reader shows the message alone).
import { useEffect, useState } from 'react';
import type { MessageSummary } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';

export function useThread(
  client: MaildockClient,
  id: number | null,
  /** Changes when the list changed: flags in the conversation may have too. */
  version = 0,
): MessageSummary[] | null {
  const [state, setState] = useState<{ id: number; messages: MessageSummary[] } | null>(null);
  useEffect(() => {
    if (id === null) return;
    let live = true;
    client.call('message.thread', { id }).then(
      (r) => live && setState({ id, messages: r.messages }),
      // Without its conversation the message still shows on its own.
      () => live && setState({ id, messages: [] }),
    );
    return () => {
      live = false;
    };
  }, [client, id, version]);
  return state && state.id === id ? state.messages : null;
}
