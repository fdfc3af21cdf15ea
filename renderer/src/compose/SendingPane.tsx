// The list pane while the Outbox or Drafts is open in the sidebar.
import { DraftsView } from './DraftsView.js';
import { OutboxView } from './OutboxView.js';
import type { SendingViewName } from './SendingNav.js';
import type { Composer } from './use-composer.js';

export function SendingPane(props: { view: SendingViewName; composer: Composer }) {
  return props.view === 'outbox' ? (
    <OutboxView composer={props.composer} />
  ) : (
    <DraftsView composer={props.composer} />
  );
}
