/**
 * `@peculiar/x509` loads tsyringe, which refuses to load without the Reflect metadata API (it
 * records and reads constructor injection tokens). When no polyfill (reflect-metadata, core-js)
 * is loaded, this defines the three functions tsyringe calls, over a WeakMap, instead of adding a
 * package for them. Decorator type metadata (`design:paramtypes`) is never emitted by x509's
 * build, so lookups of it answer `undefined`, as reflect-metadata would.
 */
type MetadataApi = {
  defineMetadata?(key: unknown, value: unknown, target: object): void;
  getOwnMetadata?(key: unknown, target: object): unknown;
  getMetadata?(key: unknown, target: object): unknown;
};
const reflect = Reflect as unknown as MetadataApi;
if (!reflect.getMetadata) {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  reflect.defineMetadata = (key, value, target) => {
    const own = store.get(target) ?? new Map<unknown, unknown>();
    own.set(key, value);
    store.set(target, own);
  };
  reflect.getOwnMetadata = (key, target) => store.get(target)?.get(key);
  reflect.getMetadata = (key, target) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const own = store.get(t);
      if (own?.has(key)) return own.get(key);
    }
    return undefined;
  };
}
