// Entry point: the client over whichever transport exists, the theme, the sign-in (in a
// browser, on the server of many people), the app. The first screen's data
// (state/first-screen.ts) is asked for before anything renders: by boot.ts before this code
// has even arrived where the page came from the one-person server, else as soon as the
// sign-in allows (at once on the desktop). Where that server drew the first screen into the
// page (first-screen/render.tsx), its answers came with it, and the app hydrates its markup.
import './zod-setup.js';
import { languageReady } from './i18n/index.js';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { declaredSignIn } from './client/auth-api.js';
import { createClient } from './client/client.js';
import { FirstScreenFrame } from './first-screen/Frame.js';
import { followView } from './first-screen/view-cookie.js';
import { earlyResponses } from './client/early.js';
import { prepareFormats } from './format.js';
import { whenIdle } from './idle.js';
import { PasswordSession } from './client/session.js';
import { pickTransport } from './client/transport.js';
import { AuthGate, startOf, type Start } from './signin/AuthGate.js';
import { withFirstScreen } from './state/first-screen.js';
import { App } from './ui/App.js';
import { applyTheme, storedTheme } from './ui/theme.js';
import './styles.css';

applyTheme(storedTheme());
const session = new PasswordSession({ declared: declaredSignIn(document) });
// The first calls went out from boot.ts already where the page could (the one-person server).
const transport = pickTransport(window, {
  bearer: session,
  early: earlyResponses(window.maildockEarly),
});
const client = withFirstScreen(createClient(transport));
const http = transport.kind === 'http';
// Served: the server draws the first screen of the next visit where it is this browser's.
if (http) followView();
const started = http ? startOf(session) : undefined;
let startKnown: Start | undefined;
const answered: Promise<unknown> = started
  ? started.then((start) => {
      startKnown = start;
      if (start !== 'token') return;
      client.start();
      return client.answered();
    })
  : (client.start(), client.answered());

/** How long the first render waits for the first screen's answers. */
const FIRST_WAIT_MS = 300;

// While the first answers are on their way.
whenIdle(prepareFormats);
// Nothing renders before the UI's language is shown: a language other than English is
// fetched first (i18n/index.ts), so no English flashes by. The first render also waits a
// moment for the first screen's answers (boot.ts has usually brought them by now): it then
// shows the folders and the first rows at once, instead of rendering again for each answer.
void Promise.all([
  languageReady(),
  Promise.race([answered, new Promise((r) => setTimeout(r, FIRST_WAIT_MS))]),
]).then(() => {
  const root = document.getElementById('root')!;
  const app = (
    <AuthGate client={client} session={http ? session : null} started={started} known={startKnown}>
      <App />
    </AuthGate>
  );
  // Where the server drew the first screen, the app takes its markup over (hydrates it)
  // rather than drawing it again. Where the two differ (another time zone on a first visit,
  // say), React draws the app anew over it.
  if (root.firstElementChild?.classList.contains('first-screen')) {
    hydrateRoot(
      root,
      <StrictMode>
        <FirstScreenFrame>{app}</FirstScreenFrame>
      </StrictMode>,
      {
        onRecoverableError: (err) =>
          console.warn('maildock: the first screen was drawn anew in the browser', err),
      },
    );
  } else {
    createRoot(root).render(<StrictMode>{app}</StrictMode>);
  }
});
