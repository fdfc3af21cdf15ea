// Whether this render is the server's first screen (first-screen/render.tsx): markup drawn
// once, before the page's code has arrived, and replaced by the app's own first render.
// What measures the window (the virtual list) draws its first rows in plain flow instead.
import { createContext, useContext } from 'react';

export const FirstScreenContext = createContext(false);

/** True in the server's render of the first screen; false in the app. */
export const useServerFirstScreen = (): boolean => useContext(FirstScreenContext);

/** How many rows the server's first screen draws: a tall window's worth, not more. */
export const FIRST_SCREEN_ROWS = { comfortable: 30, compact: 70 } as const;
