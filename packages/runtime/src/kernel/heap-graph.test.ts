import { describe, expect, it } from 'vitest';
import { HANDLE_SYMBOL, UnpersistableError, restoreInPlace, sameContents, takeRestorePoint } from './heap-graph.js';

describe('restore points', () => {
  it('restores contents into the same objects, so held references see the rollback', () => {
    const shared = { n: 1 };
    const root = { list: [1, 2], map: new Map([['a', shared]]), set: new Set([1]), bytes: new Uint8Array([1, 2]), when: new Date(5), nested: { shared } };
    const point = takeRestorePoint(root);
    const heldList = root.list;
    const heldMap = root.map;
    root.list.push(3);
    root.map.set('b', { n: 2 });
    root.set.add(2);
    root.bytes[0] = 9;
    root.when.setTime(99);
    shared.n = 42;
    (root as Record<string, unknown>).extra = 'new field';
    root.list = [7];
    restoreInPlace(point);
    expect(root.list).toBe(heldList);
    expect(heldList).toEqual([1, 2]);
    expect(heldMap).toBe(root.map);
    expect([...root.map.keys()]).toEqual(['a']);
    expect([...root.set]).toEqual([1]);
    expect([...root.bytes]).toEqual([1, 2]);
    expect(root.when.getTime()).toBe(5);
    expect(shared.n).toBe(1);
    expect(root.nested.shared).toBe(shared);
    expect('extra' in root).toBe(false);
  });

  it('keeps array holes and length', () => {
    const root = { arr: [1, , 3] as number[] };
    const point = takeRestorePoint(root);
    root.arr[1] = 2;
    root.arr.length = 10;
    restoreInPlace(point);
    expect(root.arr.length).toBe(3);
    expect(1 in root.arr).toBe(false);
  });

  it.each([
    ['a function', { f: () => 1 }, /this\.f is a function/],
    ['a promise', { p: Promise.resolve(1) }, /this\.p is a Promise/],
    ['a nested weak map', { o: { w: new WeakMap() } }, /this\.o\.w is a WeakMap/],
    ['a symbol', { s: Symbol('x') }, /this\.s is a symbol/],
  ])('refuses %s, naming its path', (_name, root, message) => {
    expect(() => takeRestorePoint(root)).toThrow(UnpersistableError);
    expect(() => takeRestorePoint(root)).toThrow(message);
  });

  it('leaves handles on the root out, and refuses nested ones', () => {
    class Handle {}
    Object.defineProperty(Handle.prototype, HANDLE_SYMBOL, { value: true });
    const root = { map: new Handle(), n: 1 };
    const point = takeRestorePoint(root);
    expect(point.saved.has(root.map)).toBe(false);
    expect(() => takeRestorePoint({ nested: { map: new Handle() } })).toThrow(/stable structure/);
  });

  it('records class prototypes by name', () => {
    class User {
      constructor(readonly name: string) {}
    }
    const point = takeRestorePoint({ users: [new User('a')] });
    expect(point.classes.get('User')).toBe(User.prototype);
  });
});

describe('sameContents', () => {
  it('sees no change when nothing changed, and any change anywhere', () => {
    const root = { n: 1, list: [1, { deep: 'x' }], map: new Map([[1, 'a']]), bytes: new Uint8Array([1]), when: new Date(1) };
    const base = takeRestorePoint(root);
    expect(sameContents(base, takeRestorePoint(root))).toBe(true);
    const mutations: Array<() => void> = [
      () => { root.n = 2; },
      () => { (root.list[1] as { deep: string }).deep = 'y'; },
      () => { root.list.push(3); },
      () => { root.map.set(2, 'b'); },
      () => { root.bytes[0] = 9; },
      () => { root.when.setTime(2); },
      () => { root.list = [1, root.list[1] as { deep: string }]; },
    ];
    for (const mutate of mutations) {
      const before = takeRestorePoint(root);
      mutate();
      expect(sameContents(before, takeRestorePoint(root))).toBe(false);
    }
  });
});

describe('restoring fields', () => {
  it('never runs a prototype setter for a field the execution deleted', () => {
    let setterRuns = 0;
    class Account {
      balance = 5;
    }
    Object.defineProperty(Account.prototype, 'balance', {
      set() {
        setterRuns++;
      },
      configurable: true,
    });
    const account = new Account();
    Object.defineProperty(account, 'balance', { value: 5, writable: true, enumerable: true, configurable: true });
    const root = { account };
    const point = takeRestorePoint(root);
    delete (account as { balance?: number }).balance;
    restoreInPlace(point);
    expect(setterRuns).toBe(0);
    expect(account.balance).toBe(5);
  });
});
