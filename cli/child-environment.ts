/**
 * The environment of a process tagguard starts (the program, the pack). Linux refuses to start a process
 * with a variable of 128 KiB or more (spawn E2BIG), and the stack config, which travels in PULUMI_CONFIG
 * as the Pulumi CLI passes it, can be larger: such variables go through a private temporary file that
 * `runtime/environment-preload.js` sets back into the process's environment before any other code runs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "./input";
import { whileRunning } from "./lifecycle";

/** Variables longer than this go through the file; well below the limit, which also counts the name. */
export const ENVIRONMENT_VALUE_LIMIT = 64 * 1024;

/** The preload script, beside the CLI bundle (`cli/dist` -> `cli/runtime`) or the sources. */
export function runtimeScript(name: string): string | undefined {
    const candidates = [path.resolve(__dirname, "..", "runtime", name), path.resolve(__dirname, "runtime", name)];
    return candidates.find((c) => fs.existsSync(c));
}

/** NODE_OPTIONS with one more script preloaded (`--require`, which a language host's runner also looks for in execArgv). */
export const preloading = (nodeOptions: string | undefined, script: string): string => [nodeOptions, `--require ${JSON.stringify(script)}`].filter(Boolean).join(" ");

export interface ChildEnvironment {
    env: NodeJS.ProcessEnv;
    /** Removes the temporary file, if one was written; safe to call twice. */
    release: () => void;
}

/** `base` with `values` set, directly or, when one is too large for a process environment, through a file. */
export function childEnvironment(base: NodeJS.ProcessEnv, values: Record<string, string>): ChildEnvironment {
    const env: NodeJS.ProcessEnv = { ...base };
    if (Object.values(values).every((v) => v.length <= ENVIRONMENT_VALUE_LIMIT)) return { env: Object.assign(env, values), release: () => undefined };
    const preload = runtimeScript("environment-preload.js");
    if (!preload) throw new UsageError(`the stack config (${Object.values(values).reduce((n, v) => n + v.length, 0)} characters) is too large for a process environment, and tagguard's runtime/environment-preload.js that passes it another way is missing: reinstall tagguard`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-env-"));
    const release = (): void => fs.rmSync(dir, { recursive: true, force: true });
    const unregister = whileRunning(release);
    fs.writeFileSync(path.join(dir, "environment.json"), JSON.stringify(values), { mode: 0o600 });
    env.TAGGUARD_ENVIRONMENT_FILE = path.join(dir, "environment.json");
    env.NODE_OPTIONS = preloading(base.NODE_OPTIONS, preload);
    return {
        env,
        release: () => {
            unregister();
            release();
        },
    };
}
