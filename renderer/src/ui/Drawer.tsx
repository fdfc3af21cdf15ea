// The folders when the window is too narrow to keep them beside the list: a modal <dialog>
// from the left edge, so the platform keeps the focus inside and Escape closes it. A click
// beside it closes it too. It opens with the focus on the folder being shown and gives the
// focus back to where it was (the top bar's button) when it closes.
import { useEffect, useRef, type ReactNode } from 'react';

export function Drawer(props: { label: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const back = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    (
      d.querySelector<HTMLElement>('[aria-current="true"]') ??
      d.querySelector<HTMLElement>('.folder')
    )?.focus();
    const closed = () => onClose.current();
    d.addEventListener('close', closed);
    return () => {
      d.removeEventListener('close', closed);
      if (d.open) d.close();
      back?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="drawer"
      aria-label={props.label}
      // The app's own keys stay out while the drawer is open.
      onKeyDown={(e) => e.stopPropagation()}
      // The backdrop is the dialog itself: a click there is a click beside the drawer.
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose.current();
      }}
    >
      <header className="drawer-head">
        <h2>{props.label}</h2>
        <button
          type="button"
          className="dialog-close"
          aria-label="Close"
          onClick={() => onClose.current()}
        >
          ×
        </button>
      </header>
      <div className="drawer-body">{props.children}</div>
    </dialog>
  );
}
