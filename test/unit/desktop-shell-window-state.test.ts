// Where the window comes back (main/app/window-state.ts), tested without the Electron binary:
// the saved place against the screens there are now.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, restorePlace } from '../../main/app/window-state.js';

describe('the window’s place', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1040 };

  it('comes back where it was, inside the screen it is on', () => {
    expect(
      restorePlace({ x: 100, y: 50, width: 1000, height: 700, maximized: true }, [screen]),
    ).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: true,
    });
    // Partly off the right edge: pulled in.
    expect(restorePlace({ x: 1700, y: 50, width: 1000, height: 700 }, [screen])).toMatchObject({
      x: 920,
      width: 1000,
    });
  });

  it('is centred when its screen is gone, and never smaller than usable or larger than the screen', () => {
    const left = { x: -1920, y: 0, width: 1920, height: 1080 };
    expect(restorePlace({ x: -1500, y: 100, width: 800, height: 600 }, [screen])).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    });
    expect(
      restorePlace({ x: -1500, y: 100, width: 800, height: 600 }, [screen, left]),
    ).toMatchObject({
      x: -1500,
    });
    expect(restorePlace({ x: 0, y: 0, width: 100, height: 100 }, [screen])).toMatchObject(MIN_SIZE);
    expect(restorePlace({ x: 0, y: 0, width: 5000, height: 3000 }, [screen])).toMatchObject({
      width: 1920,
      height: 1040,
    });
    for (const junk of [null, 'x', { x: 'a' }, { x: 1, y: 1, width: -5, height: 10 }]) {
      expect(restorePlace(junk, [screen])).toEqual({ ...DEFAULT_SIZE, maximized: false });
    }
  });
});
