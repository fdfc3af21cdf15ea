// A modal dialog on the platform's own <dialog>: it traps focus, closes on Escape, and gives
// the focus back to where it was when it closes.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const back = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    const closed = () => onClose();
    d.addEventListener('close', closed);
    return () => {
      d.removeEventListener('close', closed);
      if (d.open) d.close();
      back?.focus?.();
    };
  }, [onClose]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${props.className ?? ''}`}
      aria-label={props.title}
      // The app's own keys stay out while a dialog is open.
      onKeyDown={(e) => e.stopPropagation()}
    >
      <header className="dialog-head">
        <h2>{props.title}</h2>
        <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
