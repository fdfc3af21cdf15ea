// An OAuth2 account whose grant was revoked or expired: what happened, and "Sign in again",
// which runs the sign-in with the account's provider and hands it to account.signin. The
// core then resumes the account's sync, and its pushed sync state clears this.
import type { Account } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import { OAuth2SignIn } from './OAuth2SignIn.js';
import { providerName } from './oauth2-model.js';

export function SignInAgain(props: {
  account: Account;
  onSignedIn?: ((account: Account) => void) | undefined;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { account } = props;
  const provider = account.oauth2?.provider ?? null;
  return (
    <div
      className="signin-again"
      role="group"
      aria-label={t('settings.oauth2.signInAgainOf', { email: account.email })}
    >
      <p className="signin-again-text">
        <span className="sync-error-icon" aria-hidden="true" />{' '}
        {provider
          ? t('settings.oauth2.required', { provider: providerName(provider) })
          : t('settings.oauth2.requiredNoProvider')}
      </p>
      <OAuth2SignIn
        email={account.email}
        provider={provider}
        label={t('settings.oauth2.signInAgain')}
        ariaLabel={t('settings.oauth2.signInAgainOf', { email: account.email })}
        onSignedIn={async (flowId) => {
          const signed = await client.call('account.signin', {
            id: account.id,
            oauth2: { flowId },
          });
          props.onSignedIn?.(signed);
        }}
      />
    </div>
  );
}
