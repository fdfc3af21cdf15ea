// The folders when the window is too narrow to keep them beside the list: a modal <dialog>
// from the left edge that behaves as a Dialog (the focus kept inside, Escape through the
// page's one stack) and closes on a click beside it too. It opens with the focus on the
// folder being shown and gives it back to the top bar's button when it closes.
import { useRef, type ReactNode } from 'react';
import { DialogHead, useModalDialog } from './Dialog.js';

export function Drawer(props: { label: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useModalDialog(
    ref,
    props.onClose,
    (d) =>
      d.querySelector<HTMLElement>('[aria-current="true"]') ??
      d.querySelector<HTMLElement>('.folder'),
  );
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
      <DialogHead className="drawer-head" title={props.label} onClose={() => onClose.current()} />
      <div className="drawer-body">{props.children}</div>
    </dialog>
  );
}
