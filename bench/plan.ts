/**
 * `npm run bench:plan`: `tagguard plan` of a generated plan with 10,000 resources against a bare
 * `JSON.parse` of the same file, each in a fresh process, alternately, in one run (target <= 2x).
 * The plan repeats the example plans' resources (tagged and untagged, every shape the policies read)
 * in modules instantiated with `for_each`, with `planned_values` and `configuration` as Terraform
 * writes them. Terraform writes every attribute of a resource's schema in `after` (null when unset,
 * `after_unknown` for computed ones) while the hand-written example plans list only a few, so the
 * measured plan completes each resource from the @pulumi/aws typings of the same type; the ratio on
 * the minimal plan is printed too, because tagguard's work is per resource and JSON.parse's per byte.
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

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILE = path.join(process.cwd(), "bench", "out", `plan-${RESOURCES}-complete.json`);
/** The same plan with only the attributes the example plans write (the hand-written minimum). */
const MINIMAL_FILE = path.join(process.cwd(), "bench", "out", `plan-${RESOURCES}-minimal.json`);
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

function generate(file: string, full: boolean): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const [tagged, untagged] = ["tagged", "untagged"].map((v) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, v, "plan.json"), "utf8")) as ExamplePlan);
    const templates = [...tagged.resource_changes, ...untagged.resource_changes.slice(0, 3)].map((t) => (full ? { ...t, change: complete(t.address.split(".").slice(-2)[0], t.change) as Change["change"] } : t));
    const out = fs.createWriteStream(file);
    const changes: string[] = [];
    const planned: string[] = [];
    for (let i = 0; i < RESOURCES; i++) {
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
    out.write(`{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{"child_modules":[{"address":"module.platform","resources":[${planned.join(",")}]}]}},"resource_changes":[${changes.join(",")}],"configuration":${JSON.stringify(configuration)},"timestamp":"2026-11-29T09:00:00Z","applyable":true,"complete":true,"errored":false}`);
    out.end();
}

const child = (mode: "parse" | "plan", file: string): Timed => timedChild(__filename, mode, file, { TAGGUARD_TODAY: "2026-11-28" });

async function main(): Promise<void> {
    const [mode, file] = process.argv.slice(2);
    if (mode === "parse" || mode === "plan") {
        await timeStep(async () => (mode === "parse" ? JSON.parse(fs.readFileSync(file, "utf8")) : renderPlan(await planReport({ files: [file], policyConfig: {} }), "text")));
        return;
    }
    const measured = [];
    for (const [label, file, full] of [["as Terraform writes it (every attribute)", FILE, true], ["minimal (only the attributes the example plans write)", MINIMAL_FILE, false]] as const) {
        generate(file, full);
        await new Promise((r) => setTimeout(r, 100));
        const parse: Timed[] = [];
        const runs: Timed[] = [];
        for (let i = 0; i < RUNS; i++) {
            parse.push(child("parse", file));
            runs.push(child("plan", file));
        }
        measured.push({ label, file, parse, runs, sample: (await planReport({ files: [file], policyConfig: {} })).summary });
    }
    console.log(`bench:plan  (${RESOURCES.toLocaleString("en-US")} resources; median of ${RUNS} alternating runs, fresh processes)`);
    for (const { label, file, parse, runs, sample } of measured) {
        const [a, p] = [median(runs.map((r) => r.ms)), median(parse.map((r) => r.ms))];
        console.log(`  plan JSON ${label}: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
        console.log(`    JSON.parse of the file    ${(p / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...parse.map((r) => r.rssMb)).toFixed(0)} MB`);
        console.log(`    tagguard plan             ${(a / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`);
        console.log(`    ratio                     ${(a / p).toFixed(2).padStart(7)}x  target <= 2.00x`);
        console.log(`    verdict: ${sample.attributable} of ${sample.inScope} in scope attributable; ${sample.violations.mandatory} mandatory violations`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
