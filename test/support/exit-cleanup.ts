/**
 * Synchronous clean-up actions that run when the process exits, however it exits: normal end,
 * `process.exit`, an uncaught exception, or SIGINT/SIGTERM/SIGHUP (which then exit with 128+signo).
 *
 * - Actions must be synchronous (`spawnSync`, `rmSync`): nothing async runs in an 'exit' handler.
 * - An action is removed by the function `onExit` returns, once its owner cleaned up normally.
 * - Signal handlers are installed only once, and only if nobody else handles the signal already.
 */

type Action = () => void;

const actions = new Set<Action>();
let installed = false;

function runAll(): void {
  for (const action of [...actions]) {
    actions.delete(action);
    try {
      action();
    } catch {
      // Best effort: one failed clean-up must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  const signals: Array<[NodeJS.Signals, number]> = [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]];
  for (const [signal, signo] of signals) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      runAll();
      process.exit(128 + signo);
    });
  }
}

/** Registers `action` to run at process exit; call the returned function to unregister it. */
export function onExit(action: Action): () => void {
  install();
  actions.add(action);
  return () => {
    actions.delete(action);
  };
}
