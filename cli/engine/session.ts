/**
 * One run of a policy pack over a set of resources, in the engine's order: the protocol core shared by
 * `tagguard check` and the end-to-end tests.
 */
import { AnalyzerClient, type AnalyzeResult, type AnalyzedResource, type AnalyzerInfo, type PolicyConfigEntry, type Remediation } from "./analyzer-client";
import { reconcilePolicyPackConfig, type GivenPolicyConfig } from "./policy-config";
import { startPolicyPack, type StackIdentity } from "./policy-pack-process";

export interface PackRunOptions {
    packDir: string;
    identity: StackIdentity;
    stackTags?: Record<string, string>;
    policyConfig?: GivenPolicyConfig;
    /** Where the policy config came from, for error messages. */
    policyConfigSource?: string;
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

export async function runPolicyPack(opts: PackRunOptions): Promise<PackRun> {
    const pack = await startPolicyPack(opts.packDir, opts.identity);
    const client = new AnalyzerClient(pack.port);
    try {
        await client.configureStack(opts.identity, opts.stackTags);
        const info = await client.getAnalyzerInfo();
        const { config, warnings } = reconcilePolicyPackConfig(info, opts.policyConfig ?? {}, opts.policyConfigSource);
        await client.configure(config);
        const resources: ResourceVerdict[] = [];
        for (const resource of opts.resources) {
            const { remediations, inputs } = await client.remediate(resource);
            resources.push({ resource, remediations, analyzedInputs: inputs, result: await client.analyze(resource, inputs) });
        }
        const stack = await client.analyzeStack(opts.stackResources ?? opts.resources);
        return { info, config, configWarnings: warnings, resources, stack, output: pack.output };
    } finally {
        client.close();
        await pack.stop();
    }
}
