// What composing puts over the app: the compose pane while a message is open, and the
// notice after Send. The pane (with the editor, most of the page's weight) loads on first
// use. The top bar's "Compose" button lives here too.
import { lazy, Suspense } from 'react';
import { useTranslation } from '../i18n/index.js';
import { SendNotice } from './SendNotice.js';
import type { Composer } from './use-composer.js';
import './compose.css';

const ComposePane = lazy(() =>
  import('./ComposePane.js').then((m) => ({ default: m.ComposePane })),
);

export function ComposeLayer(props: { composer: Composer }) {
  const { composer } = props;
  return (
    <>
      {composer.session ? (
        <Suspense fallback={null}>
          <ComposePane key={composer.session.key} composer={composer} session={composer.session} />
        </Suspense>
      ) : null}
      <SendNotice composer={composer} />
    </>
  );
}

export function ComposeButton(props: { composer: Composer }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="compose-button"
      title={t('topbar.composeTitle')}
      onClick={props.composer.compose}
    >
      {t('topbar.compose')}
    </button>
  );
}
