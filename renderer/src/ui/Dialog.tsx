// A modal dialog on the platform's own <dialog>: it traps focus, closes on Escape (through
// the page's one Escape stack, so a menu opened inside it closes first), and gives the focus
// back to where it was when it closes. It opens with the focus on the element marked
// data-autofocus, if any.
import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useEscape } from './escape.js';

/**
 * Opens `ref`'s <dialog> as a modal while mounted: Escape through the page's one stack, the
 * focus on what `focus` picks, and back where it was on close. Gives the latest onClose.
 */
export function useModalDialog(
  ref: RefObject<HTMLDialogElement | null>,
  onCloseProp: () => void,
  focus: (dialog: HTMLDialogElement) => HTMLElement | null,
): RefObject<() => void> {
  // The latest onClose, without reopening the dialog when the parent renders a new one: a
  // reopened dialog would hand the focus back to the page in the middle of typing.
  const onClose = useRef(onCloseProp);
  onClose.current = onCloseProp;
  useEscape(() => onClose.current());
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const back = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    // showModal focuses the first control (the close button); React's autoFocus fires while
    // the dialog is still closed, so the element to focus is named here.
    focus(d)?.focus();
    const closed = () => onClose.current();
    d.addEventListener('close', closed);
    return () => {
      d.removeEventListener('close', closed);
      if (d.open) d.close();
      back?.focus?.();
    };
    // Opened once per mount: `focus` is asked at opening only.
  }, []);
  return onClose;
}

export function Dialog(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // A field marked data-autofocus is where typing should go.
  const onClose = useModalDialog(ref, props.onClose, (d) =>
    d.querySelector<HTMLElement>('[data-autofocus]'),
  );
  return (
    <dialog
      ref={ref}
      className={`dialog ${props.className ?? ''}`}
      aria-label={props.title}
      // The app's own keys stay out while a dialog is open.
      onKeyDown={(e) => e.stopPropagation()}
    >
      <DialogHead className="dialog-head" title={props.title} onClose={() => onClose.current()} />
      {props.children}
    </dialog>
  );
}

/** A modal's title and its Close button. */
export function DialogHead(props: { className: string; title: string; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <header className={props.className}>
      <h2>{props.title}</h2>
      <button
        type="button"
        className="dialog-close"
        aria-label={t('dialog.close')}
        onClick={props.onClose}
      >
        ×
      </button>
    </header>
  );
}
