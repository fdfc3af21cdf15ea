// The sidebar's Outbox (with the number of messages not sent yet) and All drafts (of every
// account, local or on the server), above the folders; each opens its view in the list pane.
import { useTranslation } from '../i18n/index.js';

export type SendingViewName = 'outbox' | 'drafts';

function Item(props: {
  label: string;
  count: number;
  countLabel: string;
  active: boolean;
  onClick(): void;
}) {
  return (
    <li>
      <button
        type="button"
        className="folder"
        aria-current={props.active ? 'true' : undefined}
        onClick={props.onClick}
      >
        <span className="folder-name">{props.label}</span>
        {props.count > 0 ? (
          <span className="badge" aria-label={props.countLabel}>
            {props.count}
          </span>
        ) : null}
      </button>
    </li>
  );
}

export function SendingNav(props: {
  waiting: number;
  view: SendingViewName | null;
  onOpen(view: SendingViewName): void;
}) {
  const { t } = useTranslation();
  return (
    <ul className="folders sending-nav" aria-label={t('sending.nav')}>
      <Item
        label={t('sending.outbox')}
        count={props.waiting}
        countLabel={t('sending.waiting', { count: props.waiting })}
        active={props.view === 'outbox'}
        onClick={() => props.onOpen('outbox')}
      />
      <Item
        label={t('sending.drafts')}
        count={0}
        countLabel=""
        active={props.view === 'drafts'}
        onClick={() => props.onOpen('drafts')}
      />
    </ul>
  );
}
