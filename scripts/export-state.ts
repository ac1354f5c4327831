/**
 * Produces a `pulumi stack export` (deployment version 3) of a program the honest way: the program runs
 * under tagguard's mocks, and its registrations are written as the engine would record them after an
 * update (ids assigned, unknowns resolved, `tagsAll` computed by the provider, default providers in the
 * state, secrets encrypted). Used to make the audit's fixtures:
 *
 *   tsx scripts/export-state.ts <program-dir> <stack> <out.json>
 */
import * as fs from "fs";
import { stableHex } from "../cli/check/aws-mocks";
import { engineView } from "../cli/check/engine-view";
import { readStackConfig } from "../cli/check/config";
import { chooseStack, readProject } from "../cli/check/project";
import { runProgram } from "../cli/check/run-program";
import type { StateResource } from "../cli/audit/state";
import type { AnalyzedResource } from "../cli/engine/analyzer-client";
import { providerCheckTagsAll } from "../tagset/effective-tags";
import { entryOf } from "../tagset/registry";
import { SECRET_SIG, SECRET_SIG_KEY, isUnknown } from "../tagset/values";

export interface StackExport {
    version: number;
    deployment: { manifest: Record<string, unknown>; secrets_providers?: Record<string, unknown>; resources: StateResource[] };
}

/** Deep copy with unknowns resolved to stable placeholders and secrets encrypted, as in an export. */
function settle(value: unknown, seed: string): unknown {
    if (isUnknown(value)) return `resolved-${stableHex(seed, 12)}`;
    if (Array.isArray(value)) return value.map((v, i) => settle(v, `${seed}[${i}]`));
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[SECRET_SIG_KEY] === SECRET_SIG) {
            return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: `v1:${Buffer.from(stableHex(JSON.stringify(obj.value), 24)).toString("base64")}` };
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, settle(v, `${seed}.${k}`)]));
    }
    return value;
}

const idOf = (r: { name: string; urn: string }): string => `${r.name}-${stableHex(r.urn, 8)}`;

export async function exportState(programDir: string, stackName: string): Promise<StackExport> {
    const project = readProject(programDir);
    const stack = readStackConfig({ project, stack: chooseStack(project, stackName) });
    const { recorded } = await runProgram({ project, stack, organization: "organization" });
    const view = engineView(recorded, project, stack);
    const defaults = new Map<string, NonNullable<AnalyzedResource["provider"]>>();
    for (const r of view.stack) if (r.provider && !view.stack.some((s) => s.urn === r.provider!.urn)) defaults.set(r.provider.urn, r.provider);
    const resources: StateResource[] = [...defaults.values()].map((p) => ({
        urn: p.urn, custom: true, id: idOf(p), type: p.type, inputs: p.props, outputs: p.props,
    }));
    for (const r of view.stack) {
        const custom = recorded.resources.find((x) => x.urn === r.urn)?.custom ?? true;
        const inputs = settle(r.inputs, r.urn) as Record<string, unknown>;
        delete inputs.tagsAll; // an output of the provider, not an input
        const id = custom ? idOf(r) : undefined;
        const entry = entryOf(r.type);
        const providerProps = r.provider ? (settle(r.provider.props, r.provider.urn) as Record<string, unknown>) : undefined;
        const tagsAll = entry ? providerCheckTagsAll(inputs, entry, r.provider ? { type: r.provider.type, props: providerProps } : undefined) : undefined;
        const outputs: Record<string, unknown> = custom ? { ...inputs, id, ...(tagsAll === undefined ? {} : { tagsAll }) } : {};
        resources.push({
            urn: r.urn, custom, id, type: r.type, inputs, outputs,
            parent: r.options?.parent, provider: r.provider ? `${r.provider.urn}::${idOf(r.provider)}` : undefined,
            dependencies: r.dependencies ?? [], propertyDependencies: r.propertyDependencies ?? {},
        });
    }
    return {
        version: 3,
        deployment: { manifest: { time: "2026-11-28T00:00:00Z", magic: "tagguard-export", version: "v3.200.0" }, secrets_providers: { type: "passphrase" }, resources },
    };
}

if (require.main === module) {
    const [dir, stack, out] = process.argv.slice(2);
    if (!dir || !stack || !out) {
        console.error("usage: tsx scripts/export-state.ts <program-dir> <stack> <out.json>");
        process.exit(2);
    }
    exportState(dir, stack).then((state) => {
        fs.writeFileSync(out, `${JSON.stringify(state, null, 2)}\n`);
        console.log(`wrote ${out} (${state.deployment.resources.length} resources)`);
    }, (e) => {
        console.error(e);
        process.exit(1);
    });
}
