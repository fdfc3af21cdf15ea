// Export from the list: the selected messages (the row menu) or all that a search finds
// (the search's header), through the same dialog as a folder's export. The dialog keeps
// what it was opened for, whatever the list does meanwhile.
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { ExportDialog } from './lazy.js';
import type { ExportWhat } from './transfer-model.js';

export interface ExportFromList {
  messages(ids: readonly number[]): void;
  search(query: string): void;
  layer: ReactNode;
}

export function useExportFromList(): ExportFromList {
  const { t } = useTranslation();
  const [open, setOpen] = useState<{ title: string; what: ExportWhat } | null>(null);
  const close = useCallback(() => setOpen(null), []);
  return {
    messages: (ids) => {
      if (ids.length > 0)
        setOpen({
          title: t('transfer.exportMessagesTitle', { count: ids.length }),
          what: { ids: [...ids] },
        });
    },
    search: (query) =>
      setOpen({ title: t('transfer.exportSearchTitle', { query }), what: { query } }),
    layer: open ? <ExportDialog title={open.title} what={open.what} onClose={close} /> : null,
  };
}
