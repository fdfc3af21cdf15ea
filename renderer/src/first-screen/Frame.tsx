// Around the app where the server draws its first screen (render.tsx) and the page takes it
// over (main.tsx hydrates it): the same markup on both sides, inert and with the list's
// first rows in plain flow, until the app has taken the markup over in the browser. Then
// the list becomes the virtual list and the rest is live.
import { useEffect, useState, type ReactNode } from 'react';
import { FirstScreenContext } from './context.js';

export function FirstScreenFrame(props: { children: ReactNode }) {
  // Never set on the server, where effects do not run.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  return (
    <FirstScreenContext value={!live}>
      <div className="first-screen" inert={!live}>
        {props.children}
      </div>
    </FirstScreenContext>
  );
}
