/**
 * What must not outlive tagguard: child processes (the program, the pack) and temporary files. Each is
 * registered while it exists; on SIGINT or SIGTERM every registered cleanup runs before tagguard exits
 * (130 or 143, as shells report a signal).
 */
const cleanups = new Set<() => void>();

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function whileRunning(cleanup: () => void): () => void {
    cleanups.add(cleanup);
    return () => cleanups.delete(cleanup);
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
}

let installed = false;

export function stopOnSignals(): void {
    if (installed) return;
    installed = true;
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
        process.once(signal, () => {
            process.stderr.write(`\ntagguard: stopped by ${signal}\n`);
            runCleanups();
            process.exit(code);
        });
    }
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
