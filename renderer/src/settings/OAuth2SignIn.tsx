// A sign-in with the account's provider: oauth2.start, then the provider's page (opened by
// the desktop app itself, or a link in the served page), then oauth2.finish, when the browser
// came back to the core (loopback) or the user pasted the code or the address the browser
// ended on (manual); then `onSignedIn` hands the finished flow to account.add or
// account.signin. Cancel, or closing the form, cancels the sign-in in the core too
// (oauth2.cancel: its loopback listener closes at once).
import { useEffect, useId, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { OAuth2Flow } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import { ErrorLine } from './ErrorLine.js';
import { flowFor, providerName } from './oauth2-model.js';

type Step =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'waiting'; flow: OAuth2Flow }
  | { kind: 'finishing'; flow: OAuth2Flow }
  | { kind: 'saving' };

/** Only a web address becomes a link: the page never follows another scheme it is handed. */
const isWebAddress = (url: string) => /^https?:\/\//i.test(url);

export function OAuth2SignIn(props: {
  email: string;
  /** 'google', 'microsoft' or an issuer's URL; null: none chosen yet (the button waits). */
  provider: string | null;
  /** The button's words: "Sign in with Google", "Sign in again". */
  label: string;
  /** Names the button for assistive technology where its words alone are ambiguous. */
  ariaLabel?: string;
  /** Checked before the sign-in starts (the rest of a form, say); false stops it. */
  ready?(): boolean;
  /** Takes the finished sign-in (account.add, account.signin); an error it throws is shown. */
  onSignedIn(flowId: string): Promise<void>;
  /** A sign-in is under way (or not): the form around it may hold still. */
  onBusy?(busy: boolean): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<ErrorData | null>(null);
  const [pasted, setPasted] = useState('');
  // A newer start or a Cancel makes the answers of an older attempt stale.
  const attempt = useRef(0);
  const pasteId = useId();
  const { onBusy } = props;
  const busy = step.kind !== 'idle';
  useEffect(() => onBusy?.(busy), [busy, onBusy]);
  // The flow under way in the core, to cancel there when the user gives up on it.
  const open = useRef<string | null>(null);
  const mounted = useRef(true);
  const drop = () => {
    const flowId = open.current;
    open.current = null;
    if (flowId) client.call('oauth2.cancel', { flowId }).catch(() => undefined);
  };
  const dropOnUnmount = useRef(drop);
  dropOnUnmount.current = drop;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      attempt.current++;
      dropOnUnmount.current();
    };
  }, []);

  const live = (mine: number) => mounted.current && attempt.current === mine;

  const save = async (mine: number, flow: OAuth2Flow, code?: string) => {
    setStep({ kind: 'finishing', flow });
    try {
      await client.call('oauth2.finish', { flowId: flow.flowId, ...(code ? { code } : {}) });
    } catch (err) {
      if (!live(mine)) return;
      setError(errorDataOf(err));
      // A pasted code that was refused may be pasted again; a loopback wait that ended may not.
      if (flow.flow !== 'manual') drop();
      setStep(flow.flow === 'manual' ? { kind: 'waiting', flow } : { kind: 'idle' });
      return;
    }
    if (!live(mine)) return;
    // Finished: account.add or account.signin takes it now.
    open.current = null;
    setStep({ kind: 'saving' });
    try {
      await props.onSignedIn(flow.flowId);
    } catch (err) {
      if (live(mine)) setError(errorDataOf(err));
    }
    if (live(mine)) setStep({ kind: 'idle' });
  };

  const start = async () => {
    if (!props.provider || (props.ready && !props.ready())) return;
    const mine = ++attempt.current;
    drop();
    setError(null);
    setPasted('');
    setStep({ kind: 'starting' });
    let flow: OAuth2Flow;
    try {
      flow = await client.call('oauth2.start', {
        email: props.email.trim(),
        provider: props.provider,
        flow: flowFor(client.transport, window.location.hostname),
      });
    } catch (err) {
      if (live(mine)) {
        setError(errorDataOf(err));
        setStep({ kind: 'idle' });
      }
      return;
    }
    if (!live(mine)) {
      client.call('oauth2.cancel', { flowId: flow.flowId }).catch(() => undefined);
      return;
    }
    open.current = flow.flowId;
    if (flow.flow === 'manual') setStep({ kind: 'waiting', flow });
    else await save(mine, flow);
  };

  const cancel = () => {
    attempt.current++;
    drop();
    setStep({ kind: 'idle' });
    setError(null);
  };

  const flow = step.kind === 'waiting' || step.kind === 'finishing' ? step.flow : null;
  const name = props.provider ? providerName(props.provider) : '';
  return (
    <div className="oauth2-signin">
      {step.kind === 'idle' ? (
        <button
          type="button"
          className="oauth2-button"
          disabled={!props.provider}
          aria-label={props.ariaLabel}
          onClick={() => void start()}
        >
          {props.label}
        </button>
      ) : (
        <div className="oauth2-progress">
          <p role="status">
            <span className="spinner" aria-hidden="true" />{' '}
            {step.kind === 'starting'
              ? t('settings.oauth2.starting')
              : step.kind === 'saving'
                ? t('settings.oauth2.saving')
                : flow?.flow === 'manual'
                  ? t('settings.oauth2.waitingManual')
                  : t('settings.oauth2.waiting')}
          </p>
          {flow && client.transport === 'ipc' ? (
            <p className="form-hint">{t('settings.oauth2.opened', { provider: name })}</p>
          ) : null}
          {flow && client.transport !== 'ipc' && isWebAddress(flow.url) ? (
            <p>
              <a href={flow.url} target="_blank" rel="noopener noreferrer">
                {t('settings.oauth2.open', { provider: name })}
              </a>
            </p>
          ) : null}
          {flow?.flow === 'manual' ? (
            <div className="form-field oauth2-paste">
              <label htmlFor={pasteId}>{t('settings.oauth2.paste')}</label>
              <input
                id={pasteId}
                type="text"
                value={pasted}
                autoComplete="off"
                spellCheck={false}
                disabled={step.kind === 'finishing'}
                aria-describedby={`${pasteId}-hint`}
                onChange={(e) => setPasted(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  e.preventDefault();
                  if (pasted.trim()) void save(attempt.current, flow, pasted.trim());
                }}
              />
              <p id={`${pasteId}-hint`} className="form-hint">
                {t('settings.oauth2.pasteHint')}
              </p>
            </div>
          ) : null}
          <div className="form-buttons">
            <button type="button" onClick={cancel} disabled={step.kind === 'saving'}>
              {t('settings.oauth2.cancel')}
            </button>
            {flow?.flow === 'manual' ? (
              <button
                type="button"
                className="primary"
                disabled={step.kind === 'finishing' || !pasted.trim()}
                onClick={() => void save(attempt.current, flow, pasted.trim())}
              >
                {step.kind === 'finishing'
                  ? t('settings.oauth2.finishing')
                  : t('settings.oauth2.finish')}
              </button>
            ) : null}
          </div>
        </div>
      )}
      {error ? <ErrorLine error={error} /> : null}
    </div>
  );
}
