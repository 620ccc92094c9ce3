import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CanisterIds, networkKey } from './canister-ids.js';

let dir: string | undefined;
afterEach(() => dir !== undefined && rmSync(dir, { recursive: true, force: true }));

describe('CanisterIds', () => {
  it('keeps ids per replica URL in .tincan/canister_ids.json', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-ids-'));
    const ids = new CanisterIds(dir);
    ids.set('http://127.0.0.1:4943', 'counter', 'aaaaa-aa');
    ids.set('http://127.0.0.1:5000', 'counter', '2vxsx-fae');
    expect(ids.get('http://localhost:4943/', 'counter')).toBe('aaaaa-aa');
    expect(ids.get('http://127.0.0.1:5000', 'counter')).toBe('2vxsx-fae');
    expect(ids.nameOf('http://127.0.0.1:4943', 'aaaaa-aa')).toBe('counter');
    ids.delete('http://127.0.0.1:4943', 'counter');
    expect(ids.get('http://127.0.0.1:4943', 'counter')).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(dir, '.tincan/canister_ids.json'), 'utf8'))).toEqual({
      'http://127.0.0.1:4943': {},
      'http://127.0.0.1:5000': { counter: '2vxsx-fae' },
    });
  });

  it('names the file when it is not JSON', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-ids-'));
    const ids = new CanisterIds(dir);
    ids.set('http://127.0.0.1:4943', 'a', 'aaaaa-aa');
    writeFileSync(ids.file, '{ nope');
    expect(() => ids.get('http://127.0.0.1:4943', 'a')).toThrow(
      /canister_ids\.json is not valid JSON .*fix or delete it/,
    );
  });
});

describe('networkKey', () => {
  it('treats localhost as 127.0.0.1 and ignores a trailing slash', () => {
    expect(networkKey('http://localhost:4943/')).toBe('http://127.0.0.1:4943');
    expect(networkKey('http://127.0.0.1:4943')).toBe('http://127.0.0.1:4943');
    expect(networkKey('https://icp0.io')).toBe('https://icp0.io');
  });
});
