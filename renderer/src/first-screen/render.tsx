// The first screen drawn on the server, for the server of one person: the app's own first
// render (the folders, the unified Inbox's first rows) as markup in the page, so a person
// who opens it sees their mail before the app's code has even arrived. Built apart
// (vite.config.ts, `--ssr`) into dist/renderer-ssr, which main/server/first-screen.ts loads.
// The answers it was drawn from go into the page too: the app starts from the same ones
// (boot.ts), and hydrates this markup (main.tsx): its first render is this one, in the same
// frame (Frame.tsx). Until then the markup is inert: nothing in it can be clicked or focused.
import '../zod-setup.js';
import type { FirstAnswer, RenderFirstScreen } from '../../../common/first-screen.js';
import { renderToString } from 'react-dom/server';
import { createClient } from '../client/client.js';
import { ClientProvider } from '../client/context.js';
import { languageFor } from '../i18n/index.js';
import { withFirstScreen } from '../state/first-screen.js';
import { App } from '../ui/App.js';
import { FirstScreenFrame } from './Frame.js';

const succeeded = (envelope: unknown): boolean =>
  typeof envelope === 'object' && envelope !== null && (envelope as { ok?: unknown }).ok === true;

export const renderFirstScreen: RenderFirstScreen = async (req) => {
  const answers: FirstAnswer[] = [];
  // The app's own first requests (state/first-screen.ts), answered in-process.
  const client = withFirstScreen(
    createClient({
      kind: 'http',
      async invoke(method, input) {
        const envelope = await req.invoke(method, input);
        answers.push({ method, input, envelope });
        return envelope;
      },
      on: () => () => undefined,
    }),
  );
  client.start();
  const [language] = await Promise.all([languageFor(req.languages), client.answered()]);
  // Requests are drawn one after another: the language is the page's own from here on.
  language.show();
  const markup = renderToString(
    <FirstScreenFrame>
      <ClientProvider client={client}>
        <App />
      </ClientProvider>
    </FirstScreenFrame>,
  );
  return {
    markup,
    language: language.language,
    answers: answers.filter((a) => succeeded(a.envelope)),
  };
};
