// jsdom ships no types of its own (and @types/jsdom is not a dependency): the part of its API
// the server's sanitizer and its tests use.
declare module 'jsdom' {
  interface ParsedElement {
    readonly tagName: string;
    readonly textContent: string | null;
    readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
    getAttribute(name: string): string | null;
    hasAttribute(name: string): boolean;
  }
  interface ParsedDocument {
    querySelector(selectors: string): ParsedElement | null;
    querySelectorAll(selectors: string): ArrayLike<ParsedElement> & Iterable<ParsedElement>;
  }
  export class JSDOM {
    constructor(html?: string);
    readonly window: { readonly document: ParsedDocument; close(): void };
  }
}
