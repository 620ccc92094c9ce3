import { describe, expect, it } from 'vitest';
import { resolveGatewayTarget } from './resolve-target.js';

const ID = 'rrkah-fqaaa-aaaaa-aaaaq-cai';
const at = (path: string): URL => new URL(path, 'http://localhost');

describe('resolveGatewayTarget', () => {
  it('reads the canister from <id>.localhost and <id>.raw.localhost, with or without a port', () => {
    expect(resolveGatewayTarget(`${ID}.localhost:4943`, at('/x'))).toMatchObject({ raw: false });
    expect(resolveGatewayTarget(`${ID}.raw.localhost`, at('/x'))?.raw).toBe(true);
    expect(
      resolveGatewayTarget(`${ID.toUpperCase()}.RAW.localhost:1`, at('/'))?.canisterId.toText(),
    ).toBe(ID);
  });

  it('takes ?canisterId= on another host, but leaves the IC endpoints alone', () => {
    expect(resolveGatewayTarget('127.0.0.1:4943', at(`/page?canisterId=${ID}`))).toMatchObject({
      raw: false,
    });
    expect(
      resolveGatewayTarget(
        '127.0.0.1:4943',
        at(`/api/entries?canisterId=${ID}`),
      )?.canisterId.toText(),
    ).toBe(ID);
    expect(
      resolveGatewayTarget('127.0.0.1:4943', at(`/api/v2/status?canisterId=${ID}`)),
    ).toBeUndefined();
    expect(resolveGatewayTarget('127.0.0.1:4943', at('/api/v3/canister/x/call'))).toBeUndefined();
    expect(resolveGatewayTarget('[::1]:4943', at('/'))).toBeUndefined();
    expect(resolveGatewayTarget(undefined, at('/'))).toBeUndefined();
  });

  it('refuses malformed canister ids', () => {
    expect(() => resolveGatewayTarget('nope.localhost', at('/'))).toThrow(
      /Invalid canister id: nope/,
    );
    expect(() =>
      resolveGatewayTarget('127.0.0.1', at('/?canisterId=rrkah-fqaaa-aaaaa-aaaaq-cab')),
    ).toThrow(TypeError);
  });
});
