// Entry point: the client over whichever transport exists, the theme, the app.
import './zod-setup.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './client/client.js';
import { ClientProvider } from './client/context.js';
import { pickTransport } from './client/transport.js';
import { App } from './ui/App.js';
import { applyTheme, storedTheme } from './ui/theme.js';
import './styles.css';

applyTheme(storedTheme());
const client = createClient(pickTransport());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientProvider client={client}>
      <App />
    </ClientProvider>
  </StrictMode>,
);
