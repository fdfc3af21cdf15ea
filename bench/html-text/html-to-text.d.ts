// The two calls the bench makes of html-to-text (mailparser's dependency, which ships no
// types of its own).
declare module 'html-to-text' {
  export interface HtmlToTextOptions {
    limits?: { maxDepth?: number };
  }
  export function htmlToText(html: string, options?: HtmlToTextOptions): string;
  export function compile(options?: HtmlToTextOptions): (html: string) => string;
}
