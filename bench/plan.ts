/**
 * `npm run bench:plan`: `tagguard plan` of generated plans with 10,000 and 50,000 resources against a
 * bare `JSON.parse` of the same file, each in a fresh process, alternately, in one run. Targets: <= 3x at
 * 10,000 resources, where a fresh process's warm-up dominates, and <= 2x at 50,000, where the time
 * matters. The plan repeats the example plans' resources (tagged and untagged, every shape the policies
 * read) in modules instantiated with `for_each`, with `planned_values` and `configuration` as Terraform
 * writes them. Terraform writes every attribute of a resource's schema in `after` (null when unset,
 * `after_unknown` for computed ones) while the hand-written example plans list only a few, so the
 * measured plan completes each resource from the @pulumi/aws typings of the same type; the ratio on
 * the minimal plan is printed too, because tagguard's work is per resource and JSON.parse's per byte.
 * `BENCH_RESOURCES=N` measures one size.
 *
 *   node bench/out/plan.js            the benchmark
 *   node bench/out/plan.js parse F    (internal) time JSON.parse of F
 *   node bench/out/plan.js plan F     (internal) time the whole command (read, judge, render) on F
 */
import * as fs from "fs";
import * as path from "path";
import { renderPlan } from "../cli/plan/formats";
import { planReport } from "../cli/plan/plan";
import { pulumiTypeOf, terraformPropertyName } from "../tagset/terraform";
import { median, timeStep, timedChild, type Timed } from "./harness";

const SIZES = process.env.BENCH_RESOURCES ? [Number(process.env.BENCH_RESOURCES)] : [10_000, 50_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The target ratio at a size: a fresh process's warm-up is paid once, so small plans get more room. */
const targetAt = (resources: number): number => (resources >= 50_000 ? 2 : 3);
/** The plan as Terraform writes it, and the same plan with only the attributes the example plans write (the hand-written minimum). */
const planFile = (resources: number, variant: "complete" | "minimal"): string => path.join(process.cwd(), "bench", "out", `plan-${resources}-${variant}.json`);
const EXAMPLES = path.join(process.cwd(), "examples", "terraform");

interface Change { address: string; module_address?: string; change: { after: unknown } }
interface ExamplePlan { resource_changes: Change[]; configuration: { provider_config: object; root_module: { resources: object[]; module_calls: Record<string, { module: { resources: object[] } }> } } }

interface Schema { computed: string[]; optional: { name: string; block: boolean }[] }

/**
 * A Terraform type's attributes, from the installed @pulumi/aws typings of the same resource: its
 * `...State` interface lists every attribute, its `...Args` interface the ones a configuration sets
 * (the rest are computed by the provider). Nested types (`inputs.*`) are blocks.
 */
function schemaOf(terraformType: string): Schema | undefined {
    const token = pulumiTypeOf(terraformType);
    const m = token && /^aws:([^/]+)\/([^:]+):(.+)$/.exec(token);
    if (!m) return undefined;
    const file = path.join(process.cwd(), "node_modules", "@pulumi", "aws", m[1], `${m[2]}.d.ts`);
    if (!fs.existsSync(file)) return undefined;
    const text = fs.readFileSync(file, "utf8");
    const members = (name: string): Map<string, string> => {
        const start = text.indexOf(`export interface ${name} {`);
        const body = start < 0 ? "" : text.slice(start, text.indexOf("\n}", start));
        return new Map([...body.matchAll(/^ {4}(\w+)\??: (.*);$/gm)].map((x) => [x[1], x[2]]));
    };
    const state = members(`${m[3]}State`);
    const args = members(`${m[3]}Args`);
    return {
        computed: [...state.keys()].filter((k) => !args.has(k)).map(terraformPropertyName),
        optional: [...args].map(([k, t]) => ({ name: terraformPropertyName(k), block: /inputs\./.test(t) })),
    };
}

/** A planned `change` with every attribute of the type, as Terraform writes it: unset ones null (blocks `[]`), computed ones unknown. */
function complete(type: string, change: { after: unknown; after_unknown?: unknown }): object {
    const schema = schemaOf(type);
    const after = { ...(change.after as Record<string, unknown>) };
    const unknown = { ...((change.after_unknown ?? {}) as Record<string, unknown>) };
    if (!schema) return { ...change, after, after_unknown: unknown };
    for (const { name, block } of schema.optional) if (!(name in after) && !(name in unknown)) after[name] = block ? [] : null;
    for (const name of schema.computed) if (!(name in after) && !(name in unknown)) unknown[name] = true;
    return { ...change, after, after_unknown: unknown };
}

function generate(file: string, resources: number, full: boolean): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const [tagged, untagged] = ["tagged", "untagged"].map((v) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, v, "plan.json"), "utf8")) as ExamplePlan);
    const templates = [...tagged.resource_changes, ...untagged.resource_changes.slice(0, 3)].map((t) => (full ? { ...t, change: complete(t.address.split(".").slice(-2)[0], t.change) as Change["change"] } : t));
    const changes: string[] = [];
    const planned: string[] = [];
    for (let i = 0; i < resources; i++) {
        const t = templates[i % templates.length];
        const instance = `module.platform["team-${Math.floor(i / templates.length)}"]`;
        const relative = t.address.replace(/^module\.training\./, "");
        const address = `${instance}.${relative}`;
        const change = { ...t, address, module_address: instance };
        changes.push(JSON.stringify(change));
        planned.push(JSON.stringify({ address, mode: "managed", type: address.split(".").slice(-2)[0], name: address.split(".").pop(), provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values: t.change.after }));
    }
    const moduleResources = [...tagged.configuration.root_module.resources, ...tagged.configuration.root_module.module_calls.training.module.resources];
    const configuration = { provider_config: tagged.configuration.provider_config, root_module: { resources: [], module_calls: { platform: { source: "./modules/platform", for_each_expression: { references: ["var.teams"] }, module: { resources: moduleResources } } } } };
    // Written whole and synchronously: the timed children read it right after.
    fs.writeFileSync(file, `{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{"child_modules":[{"address":"module.platform","resources":[${planned.join(",")}]}]}},"resource_changes":[${changes.join(",")}],"configuration":${JSON.stringify(configuration)},"timestamp":"2026-11-29T09:00:00Z","applyable":true,"complete":true,"errored":false}`);
}

const child = (mode: "parse" | "plan", file: string): Timed => timedChild(__filename, mode, file, { TAGGUARD_TODAY: "2026-11-28" });

async function main(): Promise<void> {
    const [mode, file] = process.argv.slice(2);
    if (mode === "parse" || mode === "plan") {
        await timeStep(async () => (mode === "parse" ? JSON.parse(fs.readFileSync(file, "utf8")) : renderPlan(await planReport({ files: [file], policyConfig: {} }), "text")));
        return;
    }
    console.log(`bench:plan  (median of ${RUNS} alternating runs, fresh processes)`);
    let met = true;
    for (const resources of SIZES) {
        const target = targetAt(resources);
        console.log(`  ${resources.toLocaleString("en-US")} resources (target <= ${target.toFixed(2)}x):`);
        for (const [label, variant] of [["as Terraform writes it (every attribute)", "complete"], ["minimal (only the attributes the example plans write)", "minimal"]] as const) {
            const file = planFile(resources, variant);
            generate(file, resources, variant === "complete");
            const parse: Timed[] = [];
            const runs: Timed[] = [];
            for (let i = 0; i < RUNS; i++) {
                parse.push(child("parse", file));
                runs.push(child("plan", file));
            }
            const sample = (await planReport({ files: [file], policyConfig: {} })).summary;
            const [a, p] = [median(runs.map((r) => r.ms)), median(parse.map((r) => r.ms))];
            // The target holds the plan as Terraform writes it; the minimal plan shows the per-resource cost.
            if (variant === "complete" && a / p > target) met = false;
            console.log(`    plan JSON ${label}: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
            console.log(`      JSON.parse of the file    ${(p / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...parse.map((r) => r.rssMb)).toFixed(0)} MB`);
            console.log(`      tagguard plan             ${(a / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`);
            console.log(`      ratio                     ${(a / p).toFixed(2).padStart(7)}x  target <= ${target.toFixed(2)}x${variant === "complete" ? (a / p > target ? "  NOT MET" : "  met") : "  (shown, not a target)"}`);
            console.log(`      verdict: ${sample.attributable} of ${sample.inScope} in scope attributable; ${sample.violations.mandatory} mandatory violations`);
        }
    }
    console.log(met ? "bench:plan: every target met" : "bench:plan: a target was not met");
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
