/**
 * Turns what a program registered into what the engine would send a policy pack: properties marshalled
 * as the engine marshals them for analyzers (resource references downgraded to IDs or URNs, output
 * values to their values, internal keys dropped), providers attached (explicit ones by reference,
 * default ones built from stack config as the engine builds them), and what the providers' Check would
 * write: `tagsAll` where the AWS provider computes it, default tags merged into the `tags` of Cloud
 * Control types as the `aws-native` provider merges them.
 */
import * as fs from "fs";
import type { AnalyzedResource, ProviderRef } from "../engine/analyzer-client";
import { analyzerProperties } from "../engine/wire";
import { providerCheckCloudControlTags, providerCheckTagsAll } from "../../tagset/effective-tags";
import { entryOf, isCloudControlType } from "../../tagset/registry";
import { providerRefUrn } from "../../tagset/urn";
import { providerInput, type StackConfig } from "./config";
import type { PulumiProject } from "./project";
import type { RecordedProgram, RecordedResource } from "./recorded";

export interface EngineView {
    /** Every registration, in order, as Analyze receives it. */
    analyzed: AnalyzedResource[];
    /** Every registered resource with its outputs, as AnalyzeStack receives them. */
    stack: AnalyzedResource[];
    /** The root stack resource's URN (stack-level diagnostics are attached to it). */
    stackUrn: string;
}

const PROVIDER_PREFIX = "pulumi:providers:";

/** The installed version of a provider package as the program resolves it, for the default provider's name. */
function packageVersion(pkg: string, programDir: string): string | undefined {
    try {
        const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [programDir] });
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

/** The engine's default provider for a package: its config namespace becomes its inputs, values as config strings (secrets kept secret). */
function defaultProvider(pkg: string, project: Pick<PulumiProject, "name" | "programDir">, stack: Pick<StackConfig, "stack" | "entries">): ProviderRef {
    const props: Record<string, unknown> = {};
    for (const [key, entry] of stack.entries) {
        if (key.startsWith(`${pkg}:`)) props[key.slice(pkg.length + 1)] = providerInput(entry);
    }
    const version = packageVersion(pkg, project.programDir);
    if (version) props.version = version;
    const name = `default${version ? `_${version.replace(/[.-]/g, "_")}` : ""}`;
    return { type: `${PROVIDER_PREFIX}${pkg}`, name, urn: `urn:pulumi:${stack.stack}::${project.name}::${PROVIDER_PREFIX}${pkg}::${name}`, props };
}

const forAnalyzers = (props: Record<string, unknown>): Record<string, unknown> => analyzerProperties(props, { skipInternalKeys: true });

export function engineView(recorded: RecordedProgram, project: Pick<PulumiProject, "name" | "programDir">, stack: Pick<StackConfig, "stack" | "entries">): EngineView {
    const explicit = new Map<string, ProviderRef>();
    for (const r of recorded.resources) {
        if (r.type.startsWith(PROVIDER_PREFIX)) explicit.set(r.urn, { type: r.type, urn: r.urn, name: r.name, props: forAnalyzers(r.inputs) });
    }
    const defaults = new Map<string, ProviderRef>();
    const providerOf = (r: RecordedResource): ProviderRef | undefined => {
        if (!r.custom || r.type.startsWith(PROVIDER_PREFIX)) return undefined;
        if (r.providerRef) return explicit.get(providerRefUrn(r.providerRef));
        const pkg = r.type.split(":")[0];
        if (pkg === "pulumi") return undefined;
        let provider = defaults.get(pkg);
        if (!provider) defaults.set(pkg, (provider = defaultProvider(pkg, project, stack)));
        return provider;
    };
    const toAnalyzed = (r: RecordedResource): AnalyzedResource => {
        const provider = providerOf(r);
        const entry = entryOf(r.type);
        const cloudControl = isCloudControlType(r.type);
        const inputs = forAnalyzers(r.inputs);
        // The provider's Check: the AWS provider computes `tagsAll`, the Cloud Control provider merges its default tags into `tags`.
        const tagsAll = entry && !r.read && !cloudControl ? providerCheckTagsAll(inputs, entry, provider) : undefined;
        const tags = entry && !r.read && cloudControl ? providerCheckCloudControlTags(inputs, entry, provider) : undefined;
        const withCheck = (props: Record<string, unknown>) => (tagsAll !== undefined ? { ...props, tagsAll } : tags !== undefined ? { ...props, tags } : props);
        return {
            type: r.type,
            name: r.name,
            urn: r.urn,
            inputs: withCheck(inputs),
            outputs: withCheck(r.outputs === r.inputs ? inputs : forAnalyzers(r.outputs)),
            provider,
            options: { ...r.options, parent: r.parent },
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        };
    };
    const all = recorded.resources.map(toAnalyzed);
    const stackUrn = recorded.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? `urn:pulumi:${stack.stack}::${project.name}::pulumi:pulumi:Stack::${project.name}-${stack.stack}`;
    // Resources the program only reads (`X.get`) are never analyzed: the engine neither analyzes a read step nor
    // hands it to AnalyzeStack, which walks the resources that have a goal (`stepGenerator.AnalyzeResources`).
    const registered = all.filter((_, i) => !recorded.resources[i].read);
    return { analyzed: registered, stack: registered, stackUrn };
}
