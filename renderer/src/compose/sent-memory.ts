// The forms of messages sent from this page, by outbox id: undo and the outbox's Edit
// reopen them as written. The contract has no way to read a queued message back as compose
// input, so Edit is offered only for what this page still remembers (until it reloads).
import type { ComposeForm } from './form.js';

const KEEP = 30;
const forms = new Map<number, ComposeForm>();

export function remember(outboxId: number, form: ComposeForm): void {
  forms.delete(outboxId);
  forms.set(outboxId, form);
  while (forms.size > KEEP) forms.delete(forms.keys().next().value!);
}

export const recall = (outboxId: number): ComposeForm | null => forms.get(outboxId) ?? null;
