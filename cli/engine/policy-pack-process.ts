/**
 * Starts a Node.js policy pack the way the Pulumi Node language host does (`RunPlugin` in
 * pulumi-language-nodejs): `node run-policy-pack <engine-address> <packDir>` with cwd = packDir and the
 * PULUMI_NODEJS_* / PULUMI_CONFIG environment, then reads the gRPC port from the first stdout line.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { visible } from "../../tagset/text";
import { childEnvironment } from "../child-environment";
import { killTree, whileRunning } from "../lifecycle";

export interface StackIdentity {
    organization: string;
    project: string;
    stack: string;
    dryRun: boolean;
    /** Stack config, `"ns:key"` -> string value, as the engine passes it. */
    config: Record<string, string>;
}

export interface PolicyPackProcess {
    port: number;
    /** Lines the pack wrote after its port (shown to the user as diagnostics by the CLI). */
    output: string[];
    /** How the process ended (`code 3`, `SIGKILL`), waiting at most `waitMs` for it to end; undefined while it runs. */
    ended(waitMs: number): Promise<string | undefined>;
    stop(): Promise<void>;
}

/** An address nothing listens on: run-policy-pack drops it, and the pack never calls the engine. */
const UNUSED_ENGINE_ADDRESS = "127.0.0.1:0";

export function packEnvironment(identity: StackIdentity, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
        ...base,
        PULUMI_NODEJS_ORGANIZATION: identity.organization,
        PULUMI_NODEJS_PROJECT: identity.project,
        PULUMI_NODEJS_STACK: identity.stack,
        PULUMI_NODEJS_DRY_RUN: String(identity.dryRun),
        PULUMI_CONFIG: JSON.stringify(identity.config),
    };
}

/** The pack could not be started, stopped answering, or a policy threw: one line naming the pack and the cause. */
export class PolicyPackError extends Error {}

/** The last line a pack printed that says what went wrong (its own error output), made visible. */
const lastWords = (output: readonly string[]): string => {
    const line = [...output].reverse().find((l) => /error|cannot|failed|not found/i.test(l)) ?? output[output.length - 1];
    return line ? `: ${visible(line.trim(), { max: 300 })}` : "";
};

/** Spawns the pack in `packDir` and waits for its port (at most `timeoutMs`). */
export function startPolicyPack(packDir: string, identity: StackIdentity, timeoutMs = 60_000): Promise<PolicyPackProcess> {
    const absolute = path.resolve(packDir);
    let runPolicyPack: string;
    try {
        runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [absolute] });
    } catch {
        return Promise.reject(new PolicyPackError(`policy pack ${absolute}: @pulumi/pulumi is not installed for it (run npm install there)`));
    }
    const { PULUMI_CONFIG: config, ...env } = packEnvironment(identity);
    const environment = childEnvironment(env, { PULUMI_CONFIG: config ?? "{}" });
    const child: ChildProcess = spawn(process.execPath, [runPolicyPack, UNUSED_ENGINE_ADDRESS, absolute], {
        cwd: absolute,
        env: environment.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    const unregister = whileRunning(() => killTree(child.pid));
    const output: string[] = [];
    let ending: string | undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
        ending = signal ?? `code ${code}`;
        unregister();
        environment.release();
        resolve();
    }));
    const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) killTree(child.pid, "SIGTERM");
        await exited;
    };
    return new Promise((resolve, reject) => {
        let stdout = "";
        let port: number | undefined;
        const timer = setTimeout(() => {
            void stop();
            reject(new PolicyPackError(`policy pack ${absolute}: did not print its port within ${timeoutMs} ms${lastWords(output)}`));
        }, timeoutMs);
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            let nl: number;
            while ((nl = stdout.indexOf("\n")) >= 0) {
                const line = stdout.slice(0, nl).trim();
                stdout = stdout.slice(nl + 1);
                if (port === undefined && /^\d+$/.test(line)) {
                    port = Number(line);
                    clearTimeout(timer);
                    const ended = (waitMs: number): Promise<string | undefined> =>
                        Promise.race([exited, new Promise<void>((r) => setTimeout(r, waitMs).unref())]).then(() => ending);
                    resolve({ port, output, stop, ended });
                } else if (line) {
                    output.push(line);
                }
            }
        });
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => output.push(...chunk.split("\n").filter((l) => l.trim())));
        child.once("exit", (code, signal) => {
            if (port !== undefined) return;
            clearTimeout(timer);
            reject(new PolicyPackError(`policy pack ${absolute}: exited (${signal ?? `code ${code}`}) before it started serving${lastWords(output)}`));
        });
    });
}
