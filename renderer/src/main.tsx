// Entry point: the client over whichever transport exists, the theme, the sign-in (in a
// browser, on the server of many people), the app.
import './zod-setup.js';
// The UI's language is set before anything renders (i18n/index.ts).
import './i18n/index.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './client/client.js';
import { PasswordSession } from './client/session.js';
import { pickTransport } from './client/transport.js';
import { AuthGate } from './signin/AuthGate.js';
import { App } from './ui/App.js';
import { applyTheme, storedTheme } from './ui/theme.js';
import './styles.css';

applyTheme(storedTheme());
const session = new PasswordSession();
const transport = pickTransport(window, { bearer: session });
const client = createClient(transport);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthGate client={client} session={transport.kind === 'http' ? session : null}>
      <App />
    </AuthGate>
  </StrictMode>,
);
