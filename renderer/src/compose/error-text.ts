// A failure in words: the one way the UI says it (settings/error-words.ts).
export { errorText } from '../settings/error-words.js';
