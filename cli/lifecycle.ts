/**
 * What must not outlive tagguard: child processes (the program, the pack) and temporary files. Each is
 * registered while it exists, and only then does tagguard handle SIGINT and SIGTERM: every registered
 * cleanup runs before it exits (130 or 143, as shells report a signal). With nothing to clean up the
 * signals keep their default action, so Ctrl-C ends the run at once even in the middle of a long
 * synchronous step (parsing a large plan), which a handler would only run after.
 */
const cleanups = new Set<() => void>();

const SIGNALS = [["SIGINT", 130], ["SIGTERM", 143]] as const;
const handlers = new Map<NodeJS.Signals, () => void>();

function onSignal(signal: NodeJS.Signals, code: number): () => void {
    return () => {
        process.stderr.write(`\ntagguard: stopped by ${signal}\n`);
        runCleanups();
        process.exit(code);
    };
}

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function whileRunning(cleanup: () => void): () => void {
    cleanups.add(cleanup);
    if (!handlers.size) {
        for (const [signal, code] of SIGNALS) {
            const handler = onSignal(signal, code);
            handlers.set(signal, handler);
            process.on(signal, handler);
        }
    }
    return () => {
        cleanups.delete(cleanup);
        if (!cleanups.size) releaseSignals();
    };
}

function releaseSignals(): void {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
}

export function runCleanups(): void {
    for (const cleanup of [...cleanups]) {
        try {
            cleanup();
        } catch {
            // best effort: the others still run
        }
    }
    cleanups.clear();
    releaseSignals();
}

/** Kills a child and its own children (it was started as a process group leader). */
export function killTree(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
    if (pid === undefined) return;
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            // already gone
        }
    }
}
