import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { formatLogRecord, formatStatus } from './canister-admin.js';

describe('formatStatus', () => {
  it('prints status, controllers, module hash, memory and cycles', () => {
    const text = formatStatus({
      status: { stopped: null },
      settings: { controllers: [Principal.fromText('2vxsx-fae')], freezing_threshold: 0n },
      module_hash: [Uint8Array.of(0xab, 0x01)],
      memory_size: 10n,
      cycles: 5n,
    });
    expect(text).toBe('Status: stopped\nControllers: 2vxsx-fae\nModule hash: 0xab01\nMemory size: 10 bytes\nBalance: 5 cycles');
    expect(formatStatus({ status: { running: null }, settings: { controllers: [], freezing_threshold: 0n }, module_hash: [], memory_size: 0n, cycles: 0n })).toContain('Module hash: None');
  });
});

describe('formatLogRecord', () => {
  it('prints index, time and text', () => {
    expect(formatLogRecord({ idx: 3n, timestamp_nanos: 1_700_000_000_000_000_000n, content: new TextEncoder().encode('hi') })).toBe('[3. 2023-11-14T22:13:20.000Z]: hi');
  });
});
