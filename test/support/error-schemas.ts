// Where in the contract an error can live: every object schema, at any depth of a method's
// output or an event's payload, whose `code` takes the error codes. Found by walking zod's
// own definitions, so an error added to a new output is checked without anyone listing it.
import type { z } from 'zod';
import { ERROR_CODES } from '../../common/errors.js';

export interface ErrorPlace {
  /** method.output.errors[].offline.error, say. */
  path: string;
  schema: z.ZodObject;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** An object whose `code` accepts every error code and whose `message` is text. */
function isErrorShaped(shape: Record<string, z.ZodType>): boolean {
  const code = shape['code'];
  const message = shape['message'];
  return (
    code !== undefined &&
    message !== undefined &&
    ERROR_CODES.every((c) => code.safeParse(c).success) &&
    message.safeParse('text').success
  );
}

/** Calls `onObject` for every object schema under `root`, with the path that leads to it. */
function walkObjects(
  root: z.ZodType,
  at: string,
  onObject: (shape: Record<string, z.ZodType>, path: string, schema: z.ZodType) => void,
): void {
  // Only the schemas on the way down: one schema used in two places is walked in both.
  const inWalk = new Set<z.ZodType>();
  const walk = (schema: z.ZodType | undefined | null, path: string): void => {
    if (!schema || inWalk.has(schema)) return;
    inWalk.add(schema);
    visit(schema, path);
    inWalk.delete(schema);
  };
  const visit = (schema: z.ZodType, path: string): void => {
    const def = defOf(schema);
    switch (def.type) {
      case 'object':
        onObject(def.shape!, path, schema);
        for (const [key, value] of Object.entries(def.shape!)) walk(value, `${path}.${key}`);
        return;
      case 'array':
        return walk(def.element, `${path}[]`);
      case 'record':
        return walk(def.valueType, `${path}{}`);
      case 'union':
        return def.options!.forEach((o, i) => walk(o, `${path}|${i}`));
      case 'intersection':
        walk(def.left, path);
        return walk(def.right, path);
      case 'tuple':
        def.items!.forEach((item, i) => walk(item, `${path}[${i}]`));
        return walk(def.rest, `${path}[…]`);
      case 'pipe':
        walk(def.in, path);
        return walk(def.out, path);
      case 'lazy':
        return walk(def.getter!(), path);
      default:
        if (def.innerType) walk(def.innerType, path);
    }
  };
  walk(root, at);
}

export function findErrorPlaces(root: z.ZodType, at: string): ErrorPlace[] {
  const places: ErrorPlace[] = [];
  walkObjects(root, at, (shape, path, schema) => {
    if (isErrorShaped(shape)) places.push({ path, schema: schema as z.ZodObject });
  });
  return places;
}

/** Keys under which the contract names an error but keeps it as plain text, not as data. */
export function findTextErrors(root: z.ZodType, at: string): string[] {
  const found: string[] = [];
  walkObjects(root, at, (shape, path) => {
    for (const [key, value] of Object.entries(shape))
      if (/error/i.test(key) && value.safeParse('text').success) found.push(`${path}.${key}`);
  });
  return found;
}
