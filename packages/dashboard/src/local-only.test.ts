import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { PageToken, refuseNonLocal } from './local-only.js';

/** A request as the guard reads it: the peer address and the headers. */
function req(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('the local-only guard', () => {
  it('lets the local page through and refuses other peers, hosts, origins and sites', () => {
    expect(refuseNonLocal(req('127.0.0.1', { host: '127.0.0.1:4943' }))).toBeUndefined();
    expect(
      refuseNonLocal(
        req('::ffff:127.0.0.1', {
          host: 'localhost:4943',
          origin: 'http://localhost:4943',
          'sec-fetch-site': 'same-origin',
        }),
      ),
    ).toBeUndefined();
    expect(refuseNonLocal(req('::1', { host: '[::1]:4943' }))).toBeUndefined();
    expect(refuseNonLocal(req('192.168.1.20', { host: '127.0.0.1:4943' }))).toContain(
      'loopback address',
    );
    expect(refuseNonLocal(req('127.0.0.1', { host: 'attacker.example:4943' }))).toContain(
      'not on "attacker.example:4943"',
    );
    expect(
      refuseNonLocal(req('127.0.0.1', { host: 'bkyz2-fmaaa-aaaaa-qaaaq-cai.localhost:4943' })),
    ).toContain('not on');
    expect(
      refuseNonLocal(
        req('127.0.0.1', {
          host: '127.0.0.1:4943',
          origin: 'http://bkyz2-fmaaa-aaaaa-qaaaq-cai.localhost:4943',
        }),
      ),
    ).toContain('cross-origin');
    expect(
      refuseNonLocal(req('127.0.0.1', { host: '127.0.0.1:4943', 'sec-fetch-site': 'same-site' })),
    ).toContain('cross-site');
  });

  it('hands the page token only to a top-level navigation and accepts only that token', () => {
    const token = new PageToken();
    expect(
      token.forNavigation(
        req('127.0.0.1', { 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' }),
      ),
    ).toBeUndefined();
    expect(
      token.forNavigation(
        req('127.0.0.1', { 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' }),
      ),
    ).toBeUndefined();
    expect(token.forNavigation(req('127.0.0.1', {}))).toBeUndefined();
    const given = token.forNavigation(
      req('127.0.0.1', { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' }),
    );
    expect(given).toMatch(/^[0-9a-f]{64}$/);
    expect(token.carriedBy(req('127.0.0.1', { 'x-tincan-token': given as string }))).toBe(true);
    expect(token.carriedBy(req('127.0.0.1', { 'x-tincan-token': 'a'.repeat(64) }))).toBe(false);
    expect(token.carriedBy(req('127.0.0.1', { 'x-tincan-token': 'short' }))).toBe(false);
    expect(token.carriedBy(req('127.0.0.1', {}))).toBe(false);
    expect(new PageToken().carriedBy(req('127.0.0.1', { 'x-tincan-token': given as string }))).toBe(
      false,
    );
  });
});
