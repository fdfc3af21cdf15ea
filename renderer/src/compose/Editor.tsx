// The message's text: TipTap with what mail needs and no more (paragraphs, bold, italic,
// links, lists, quotes, the signature's block), and a small toolbar whose buttons say whether
// they are on. The HTML it gives is cleaned (html-text.ts) before it leaves. Settings writes
// formatted signatures with it too.
import { EditorContent, useEditor, useEditorState, type Editor as TipTap } from '@tiptap/react';
import { Extension, Node } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { useId, useState, type FormEvent } from 'react';
import { useEscape } from '../ui/escape.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { SIGNATURE_ATTR } from './html-text.js';
import './editor.css';

/** What a typed link becomes: web and mail addresses only; a bare domain is taken as https. */
export function linkTarget(input: string): string | null {
  const s = input.trim();
  if (!s) return null;
  if (/^(https?:\/\/|mailto:)\S+$/i.test(s)) return s;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(s)) return `mailto:${s}`;
  if (/^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(s)) return `https://${s}`;
  return null;
}

/**
 * Ctrl/⌘+Enter sends (the pane's form listens for it); without this the editor's own keymap
 * would first put a line break where the cursor is, into the message being sent.
 */
const SendKey = Extension.create({
  name: 'sendKey',
  priority: 1000,
  addKeyboardShortcuts: () => ({ 'Mod-Enter': () => true }),
});

/**
 * The signature's block (signature.ts): the editor keeps it as a block of its own, so that a
 * change of From finds it again. What it holds is ordinary text the writer may edit.
 */
const SignatureBlock = Node.create({
  name: 'signature',
  group: 'block',
  content: '(paragraph | bulletList | orderedList | blockquote)+',
  defining: true,
  parseHTML: () => [{ tag: `div[${SIGNATURE_ATTR}]`, priority: 100 }],
  renderHTML: () => ['div', { [SIGNATURE_ATTR]: '' }, 0],
});

/** What the editor knows: mail's marks and blocks and the signature's block, no more. */
export const mailExtensions = () => [
  StarterKit.configure({
    heading: false,
    code: false,
    codeBlock: false,
    horizontalRule: false,
    strike: false,
    underline: false,
    link: {
      openOnClick: false,
      autolink: true,
      defaultProtocol: 'https',
      protocols: ['mailto'],
      HTMLAttributes: { target: null, rel: null },
    },
  }),
  SendKey,
  SignatureBlock,
];

interface Marks {
  bold: boolean;
  italic: boolean;
  link: boolean;
  bulletList: boolean;
  orderedList: boolean;
  blockquote: boolean;
}

function Toolbar(props: { editor: TipTap; onLink(): void }) {
  const { t } = useTranslation();
  const { editor } = props;
  const on = useEditorState({
    editor,
    selector: ({ editor: e }): Marks => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      link: e.isActive('link'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      blockquote: e.isActive('blockquote'),
    }),
  });
  const chain = () => editor.chain().focus();
  const buttons: [keyof Marks, string, string, () => void][] = [
    ['bold', t('compose.bold'), t('compose.boldText'), () => chain().toggleBold().run()],
    ['italic', t('compose.italic'), t('compose.italicText'), () => chain().toggleItalic().run()],
    ['link', t('compose.link'), t('compose.linkText'), props.onLink],
    [
      'bulletList',
      t('compose.bulletList'),
      t('compose.bulletListText'),
      () => chain().toggleBulletList().run(),
    ],
    [
      'orderedList',
      t('compose.orderedList'),
      t('compose.orderedListText'),
      () => chain().toggleOrderedList().run(),
    ],
    [
      'blockquote',
      t('compose.quote'),
      t('compose.quoteText'),
      () => chain().toggleBlockquote().run(),
    ],
  ];
  return (
    <div className="editor-toolbar" role="toolbar" aria-label={t('compose.formatting')}>
      {buttons.map(([mark, label, text, run]) => (
        <button
          key={mark}
          type="button"
          className={`format-${mark}`}
          aria-label={label}
          aria-pressed={on[mark]}
          title={label}
          // The editor keeps the focus and the selection: the key typed next goes to it.
          onMouseDown={(e) => e.preventDefault()}
          onClick={run}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

function LinkForm(props: { editor: TipTap; onDone(): void }) {
  const { t } = useTranslation();
  const { editor } = props;
  const id = useId();
  const [value, setValue] = useState<string>(
    () => (editor.getAttributes('link') as { href?: string }).href ?? '',
  );
  const [problem, setProblem] = useState<string | null>(null);
  useEscape(() => {
    props.onDone();
    editor.commands.focus();
  });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const href = linkTarget(value);
    if (!href) {
      setProblem(t('compose.linkProblem'));
      return;
    }
    const c = editor.chain().focus();
    if (editor.state.selection.empty && !editor.isActive('link')) {
      c.insertContent({
        type: 'text',
        text: value.trim(),
        marks: [{ type: 'link', attrs: { href } }],
      }).run();
    } else {
      c.extendMarkRange('link').setLink({ href }).run();
    }
    props.onDone();
  };
  return (
    <form className="link-form" onSubmit={apply}>
      <label htmlFor={id}>{t('compose.linkAddress')}</label>
      <input
        id={id}
        type="text"
        autoFocus
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">{t('compose.apply')}</button>
      {editor.isActive('link') ? (
        <button
          type="button"
          onClick={() => {
            editor.chain().focus().extendMarkRange('link').unsetLink().run();
            props.onDone();
          }}
        >
          {t('compose.removeLink')}
        </button>
      ) : null}
      {problem ? (
        <span id={`${id}-problem`} className="compose-problem" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

export function Editor(props: {
  initialHtml: string;
  onChange(html: string): void;
  /** Handed the editor once it exists, to focus it. */
  onReady?(editor: TipTap): void;
  /** What the text is called; the message's text unless said. */
  label?: string;
  className?: string;
}) {
  const [linking, setLinking] = useState(false);
  const editor = useEditor({
    extensions: mailExtensions(),
    content: props.initialHtml,
    // The page's CSP allows no inline style elements it did not ship: styles are in editor.css.
    injectCSS: false,
    editorProps: {
      attributes: {
        class: 'editor-content',
        // Named once, when the editor is made (it lives as long as the compose pane).
        'aria-label': props.label ?? i18n.t('compose.messageText'),
        'aria-multiline': 'true',
        role: 'textbox',
      },
    },
    onCreate: ({ editor: e }) => props.onReady?.(e),
    onUpdate: ({ editor: e }) => props.onChange(e.getHTML()),
  });
  return (
    <div className={props.className ? `editor ${props.className}` : 'editor'}>
      <Toolbar editor={editor} onLink={() => setLinking((v) => !v)} />
      {linking ? <LinkForm editor={editor} onDone={() => setLinking(false)} /> : null}
      <EditorContent editor={editor} className="editor-body" />
    </div>
  );
}
