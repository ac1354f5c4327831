/** What the benchmarks share: a step timed in a fresh process of the same script, and the median of runs. */
import { spawnSync } from "child_process";
import { performance } from "perf_hooks";

export interface Timed {
    ms: number;
    rssMb: number;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `script mode file` in a fresh Node process; the child answers with `timeStep`. */
export function timedChild(script: string, mode: string, file: string, env: Record<string, string> = {}): Timed {
    const r = spawnSync(process.execPath, [script, mode, file], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Timed;
}

/** The child's side: times one step and prints it with the process's peak memory for `timedChild`. */
export async function timeStep(step: () => unknown): Promise<void> {
    const t0 = performance.now();
    await step();
    const timed: Timed = { ms: performance.now() - t0, rssMb: process.resourceUsage().maxRSS / 1024 };
    console.log(JSON.stringify(timed));
}
