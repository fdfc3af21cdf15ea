// Entry point: the client over whichever transport exists, the theme, the sign-in (in a
// browser, on the server of many people), the app. The first requests leave before
// anything renders: how the server signs people in, and once that allows, the first
// screen's data (state/first-screen.ts), while React renders.
import './zod-setup.js';
import { languageReady } from './i18n/index.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './client/client.js';
import { prepareFormats } from './format.js';
import { whenIdle } from './idle.js';
import { PasswordSession } from './client/session.js';
import { pickTransport } from './client/transport.js';
import { AuthGate, startOf } from './signin/AuthGate.js';
import { withFirstScreen } from './state/first-screen.js';
import { App } from './ui/App.js';
import { applyTheme, storedTheme } from './ui/theme.js';
import './styles.css';

applyTheme(storedTheme());
const session = new PasswordSession();
const transport = pickTransport(window, { bearer: session });
const client = withFirstScreen(createClient(transport));
const http = transport.kind === 'http';
const started = http ? startOf(session) : undefined;
if (started) void started.then((start) => start === 'token' && client.start());
else client.start();

// Nothing renders before the UI's language is shown: a language other than English is
// fetched first (i18n/index.ts), so no English flashes by.
void languageReady().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AuthGate client={client} session={http ? session : null} started={started}>
        <App />
      </AuthGate>
    </StrictMode>,
  );
  // While the first answers are on their way.
  whenIdle(prepareFormats);
});
