// Whether this render is the first screen as the server draws it (first-screen/render.tsx),
// or the page's first render taking that markup over (Frame.tsx, main.tsx). What measures
// the window (the virtual list, the panes' layout) or asks the browser (notifications) draws
// what the server could instead, until the app is live.
import { createContext, useContext } from 'react';

export const FirstScreenContext = createContext(false);

/** True while the first screen is the server's markup (drawn, or being taken over); false once live. */
export const useServerFirstScreen = (): boolean => useContext(FirstScreenContext);

/** How many rows the server's first screen draws: a tall window's worth, not more. */
export const FIRST_SCREEN_ROWS = { comfortable: 30, compact: 70 } as const;
