/**
 * A policy pack driven in the engine's order: the protocol core shared by `tagguard check` and the
 * end-to-end tests. Opening a session starts the pack and configures it (ConfigureStack,
 * GetAnalyzerInfo, engine-style config validation, Configure); `analyze` then runs Remediate and
 * Analyze for each resource and AnalyzeStack at the end.
 */
import { AnalyzerClient, type AnalyzeResult, type AnalyzedResource, type AnalyzerInfo, type PolicyConfigEntry, type Remediation } from "./analyzer-client";
import type { z } from "zod";
import { reconcilePolicyPackConfig, type GivenPolicyConfig } from "./policy-config";
import { visible } from "../../tagset/text";
import { PolicyPackError, startPolicyPack, type StackIdentity } from "./policy-pack-process";

export interface PackSessionOptions {
    packDir: string;
    identity: StackIdentity;
    stackTags?: Record<string, string>;
    policyConfig?: GivenPolicyConfig;
    /** Where the policy config came from, for error messages. */
    policyConfigSource?: string;
    /** The pack's own config schemas by policy name, to validate config completely before analysis. */
    packSchemas?: ReadonlyMap<string, z.ZodObject>;
}

export interface PackRunOptions extends PackSessionOptions {
    /** Analyzed one by one (Remediate, then Analyze), in registration order. */
    resources: readonly AnalyzedResource[];
    /** Sent to AnalyzeStack with their outputs; defaults to `resources`. */
    stackResources?: readonly AnalyzedResource[];
}

export interface ResourceVerdict {
    resource: AnalyzedResource;
    remediations: Remediation[];
    /** The inputs Analyze saw (after remediations). */
    analyzedInputs: AnalyzedResource["inputs"];
    result: AnalyzeResult;
}

export interface PackRun {
    info: AnalyzerInfo;
    config: Record<string, PolicyConfigEntry>;
    configWarnings: string[];
    resources: ResourceVerdict[];
    stack: AnalyzeResult;
    /** What the pack printed besides its port. */
    output: string[];
}

export interface PackSession {
    info: AnalyzerInfo;
    config: Record<string, PolicyConfigEntry>;
    configWarnings: string[];
    analyze(resources: readonly AnalyzedResource[], stackResources?: readonly AnalyzedResource[], progress?: (done: number, total: number) => void): Promise<PackRun>;
    close(): Promise<void>;
}

/**
 * Resources analyzed at once. The engine also analyzes resources as their steps run, many at a time;
 * each resource still goes through Remediate before its own Analyze, and results keep registration order.
 */
const IN_FLIGHT = 16;

export async function openPackSession(opts: PackSessionOptions): Promise<PackSession> {
    const pack = await startPolicyPack(opts.packDir, opts.identity);
    const client = new AnalyzerClient(pack.port);
    const close = async (): Promise<void> => {
        client.close();
        await pack.stop();
    };
    const setup = <T>(what: string, call: () => Promise<T>): Promise<T> => call().catch((e: unknown) => {
        const details = (e as { details?: string }).details ?? (e instanceof Error ? e.message : String(e));
        throw new PolicyPackError(`policy pack ${opts.packDir}: ${what} failed: ${visible(details.split("\n")[0], { max: 300 })}`);
    });
    try {
        await setup("ConfigureStack", () => client.configureStack(opts.identity, opts.stackTags));
        const info = await setup("GetAnalyzerInfo", () => client.getAnalyzerInfo());
        const { config, warnings } = reconcilePolicyPackConfig(info, opts.policyConfig ?? {}, opts.policyConfigSource, opts.packSchemas);
        await setup("Configure", () => client.configure(config));
        // Only policies at `remediate` remediate; with none, the SDK answers every Remediate with nothing.
        const remediates = Object.values(config).some((c) => c.enforcementLevel === "remediate");
        /** A gRPC failure as the engine reports it: the pack, what it was doing, and the first lines of the policy's error. */
        const failed = async (e: unknown, what: string): Promise<PolicyPackError> => {
            const details = (e as { details?: string }).details ?? (e instanceof Error ? e.message : String(e));
            const code = (e as { code?: number }).code;
            const ending = code === 14 ? await pack.ended(2000) : undefined;
            const cause = code === 14 ? `the pack stopped answering${ending ? ` (its process exited: ${ending})` : ""}` : details.split("\n").slice(0, 2).map((l) => l.trim()).join(" ");
            return new PolicyPackError(`policy pack ${info.name}@v${info.version}: ${what} failed: ${visible(cause, { max: 400 })}`);
        };
        const verdict = async (resource: AnalyzedResource): Promise<ResourceVerdict> => {
            try {
                const { remediations, inputs } = remediates ? await client.remediate(resource) : { remediations: [], inputs: resource.inputs };
                return { resource, remediations, analyzedInputs: inputs, result: await client.analyze(resource, inputs) };
            } catch (e) {
                throw await failed(e, `Analyze of ${resource.type} ${visible(resource.name, { max: 100 })}`);
            }
        };
        return {
            info,
            config,
            configWarnings: warnings,
            async analyze(resources, stackResources, progress) {
                const verdicts: ResourceVerdict[] = new Array(resources.length);
                let next = 0;
                let done = 0;
                const worker = async (): Promise<void> => {
                    while (next < resources.length) {
                        const i = next++;
                        verdicts[i] = await verdict(resources[i]);
                        progress?.(++done, resources.length);
                    }
                };
                await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, resources.length) }, worker));
                const stack = await client.analyzeStack(stackResources ?? resources).catch(async (e: unknown) => { throw await failed(e, "AnalyzeStack"); });
                return { info, config, configWarnings: warnings, resources: verdicts, stack, output: pack.output };
            },
            close,
        };
    } catch (e) {
        await close();
        throw e;
    }
}

/** Opens a session, analyzes the resources, closes it. */
export async function runPolicyPack(opts: PackRunOptions): Promise<PackRun> {
    const session = await openPackSession(opts);
    try {
        return await session.analyze(opts.resources, opts.stackResources);
    } finally {
        await session.close();
    }
}
