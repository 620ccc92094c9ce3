/**
 * `#/replica`: the replica's time and the controls the test harness has. Advance time (timers
 * due by then fire), tick (one round: heartbeats, then whatever can run), checkpoint (one file
 * with the committed state, to start test replicas from) and fork (a state directory another
 * `tincan start` can open). Each POSTs to `/_/api/replica/<control>`.
 */
import { api, el, post, time } from './dom.js';

interface ReplicaInfo {
  timeNs: string;
  clock: string;
  offsetNs: string;
  stateDir: string | null;
  checkpoints: string[];
  forks: string[];
}

function control(
  id: string,
  label: string,
  explain: string,
  input: HTMLInputElement | undefined,
  run: () => Promise<string>,
  result: HTMLElement,
): HTMLElement {
  const button = el('button', { type: 'submit', id }, label);
  const form = el(
    'form',
    { class: 'control' },
    ...(input === undefined ? [] : [input]),
    button,
    el('div', { class: 'note' }, explain),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    result.className = 'result';
    result.textContent = '…';
    run()
      .then(
        (text) => {
          result.textContent = `✓ ${text}`;
          result.classList.add('ok');
        },
        (err: unknown) => {
          result.textContent = `✗ ${(err as Error).message}`;
          result.classList.add('error');
        },
      )
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}

/** Renders the replica view into `app`. */
export async function replicaView(app: HTMLElement): Promise<void> {
  const info = await api<ReplicaInfo>('replica');
  const result = el(
    'pre',
    { id: 'control-result', class: 'result' },
    'Results of the controls show here.',
  );
  const clock = el('div', { id: 'replica-time' });
  const showTime = (i: ReplicaInfo): void => {
    const ahead = BigInt(i.offsetNs) / 1_000_000_000n;
    clock.textContent = `time ${time(i.timeNs)} UTC · ${i.clock === 'manual' ? 'manual clock' : i.clock === 'wall' ? `wall clock${ahead > 0n ? `, ${ahead.toLocaleString('en-US')} s ahead of this machine's` : ''}` : 'custom clock'}`;
  };
  const made = el('div', { id: 'made' });
  const showMade = (i: ReplicaInfo): void => {
    made.replaceChildren(
      el('div', {}, `checkpoints: ${i.checkpoints.join(', ') || 'none yet'}`),
      el('div', {}, `forks: ${i.forks.join(', ') || 'none yet'}`),
    );
  };
  showTime(info);
  showMade(info);
  const refresh = async (): Promise<void> => {
    const now = await api<ReplicaInfo>('replica');
    showTime(now);
    showMade(now);
  };
  const seconds = el('input', {
    id: 'advance-seconds',
    type: 'number',
    min: '1',
    value: '60',
    name: 'seconds',
  });
  const checkpointName = el('input', {
    id: 'checkpoint-name',
    name: 'checkpoint',
    placeholder: 'name, e.g. before-upgrade',
  });
  const forkName = el('input', {
    id: 'fork-name',
    name: 'fork',
    placeholder: 'name, e.g. experiment',
  });
  const where =
    info.stateDir === null
      ? 'This replica has no state directory: checkpoints and forks are off.'
      : `Checkpoints and forks are written under ${info.stateDir}.`;
  app.replaceChildren(
    el('h2', {}, 'Replica'),
    el('div', { class: 'card' }, clock),
    el(
      'section',
      { class: 'controls card' },
      control(
        'advance',
        'Advance time',
        'Moves the replica’s clock forward by this many seconds: canister time() jumps and every timer due by then fires now. Time never goes back.',
        seconds,
        async () => {
          const answer = await post<{ timeNs: string }>('replica/advance-time', {
            seconds: Number(seconds.value),
          });
          await refresh();
          return `time is now ${time(answer.timeNs)} UTC`;
        },
        result,
      ),
      control(
        'tick',
        'Tick',
        'Runs one round: each canister’s @heartbeat once, then every message and timer that can run now.',
        undefined,
        async () => {
          const answer = await post<{ executions: number }>('replica/tick', {});
          await refresh();
          return `one round ran ${answer.executions} execution(s)`;
        },
        result,
      ),
      control(
        'checkpoint',
        'Checkpoint',
        'Writes the committed state of every canister (code, heap, stable maps) to one SQLite file. Tests start from it in milliseconds: Replica.create({ fromCheckpoint }) or createTestReplica({ fromCheckpoint }).',
        checkpointName,
        async () => {
          const answer = await post<{ path: string; use: string }>('replica/checkpoint', {
            name: checkpointName.value,
          });
          await refresh();
          return `wrote ${answer.path}\nuse it with ${answer.use}`;
        },
        result,
      ),
      control(
        'fork',
        'Fork',
        'Copies the committed state into a new state directory: another tincan start opens it as an independent replica with the same canisters and state, while this one keeps running.',
        forkName,
        async () => {
          const answer = await post<{ path: string; use: string }>('replica/fork', {
            name: forkName.value,
          });
          await refresh();
          return `forked into ${answer.path}\nstart it with: ${answer.use}`;
        },
        result,
      ),
      el('div', { class: 'note' }, where),
      made,
    ),
    result,
  );
}
