import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { formatLogRecord, formatStatus, statusJson } from './canister-admin.js';
import type { CanisterStatusResult } from './management.js';

const status = (over: Partial<CanisterStatusResult> = {}): CanisterStatusResult => ({
  status: { stopped: null },
  settings: {
    controllers: [Principal.fromText('2vxsx-fae')],
    compute_allocation: 0n,
    memory_allocation: 0n,
    freezing_threshold: 2_592_000n,
    reserved_cycles_limit: 5n,
    wasm_memory_limit: 0n,
    wasm_memory_threshold: 0n,
    log_visibility: { controllers: null },
  },
  module_hash: [Uint8Array.of(0xab, 0x01)],
  memory_size: 10n,
  cycles: 5n,
  reserved_cycles: 0n,
  idle_cycles_burned_per_day: 7n,
  ...over,
});

describe('formatStatus', () => {
  it('prints status, controllers, settings, module hash, memory and cycles as dfx does', () => {
    const text = formatStatus(status());
    expect(text.split('\n')).toEqual([
      'Status: Stopped',
      'Controllers: 2vxsx-fae',
      'Memory allocation: 0 Bytes',
      'Compute allocation: 0 %',
      'Freezing threshold: 2592000 Seconds',
      'Module hash: 0xab01',
      'Memory size: 10 bytes',
      'Balance: 5 cycles',
      'Reserved: 0 cycles',
      'Idle cycles burned per day: 7 cycles',
    ]);
    expect(formatStatus(status({ status: { running: null }, module_hash: [] }))).toContain(
      'Module hash: None',
    );
  });

  it('prints JSON with numbers as decimal strings', () => {
    const json = JSON.parse(statusJson(Principal.fromText('aaaaa-aa'), status())) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      id: 'aaaaa-aa',
      status: 'Stopped',
      controllers: ['2vxsx-fae'],
      module_hash: '0xab01',
      cycles: '5',
      settings: { freezing_threshold: '2592000', log_visibility: 'controllers' },
    });
  });
});

describe('formatLogRecord', () => {
  it('prints index, time and text', () => {
    expect(
      formatLogRecord({
        idx: 3n,
        timestamp_nanos: 1_700_000_000_000_000_000n,
        content: new TextEncoder().encode('hi'),
      }),
    ).toBe('[3. 2023-11-14T22:13:20.000Z]: hi');
  });
});
