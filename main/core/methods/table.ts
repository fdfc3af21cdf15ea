// The contract's table cut by area: each methods/ file gives the entries of its prefix.
import { methods, type Api, type MethodName } from '../../../common/api.js';

/** The entries of the contract whose names start with `prefix`. */
export type MethodsOf<P extends string> = Pick<Api, Extract<MethodName, `${P}${string}`>>;

/**
 * The contract's entries named `prefix…`, each loading its area's module on first call:
 * for areas whose libraries a process that never uses them should not load (the stack's
 * dockerode).
 */
export function lazyMethods<P extends string>(
  prefix: P,
  load: () => Promise<MethodsOf<P>>,
): MethodsOf<P> {
  let loaded: Promise<MethodsOf<P>> | null = null;
  const table: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(methods).filter((n) => n.startsWith(prefix))) {
    table[name] = async (input) => {
      loaded ??= load();
      const fn = (await loaded)[name as keyof MethodsOf<P>] as (i: unknown) => Promise<unknown>;
      return fn(input);
    };
  }
  return table as unknown as MethodsOf<P>;
}
