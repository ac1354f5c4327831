/**
 * `npm run bench:plan`: `tagguard plan` of a generated plan with 10,000 resources against a bare
 * `JSON.parse` of the same file, each in a fresh process, alternately, in one run (target <= 2x).
 * The plan repeats the example plans' resources (tagged and untagged, every shape the policies read)
 * in modules instantiated with `for_each`, with `planned_values` and `configuration` as Terraform
 * writes them.
 *
 *   node bench/out/plan.js            the benchmark
 *   node bench/out/plan.js parse F    (internal) time JSON.parse of F
 *   node bench/out/plan.js plan F     (internal) time the whole command (read, judge, render) on F
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { renderPlan } from "../cli/plan/formats";
import { planReport } from "../cli/plan/plan";

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILE = path.join(process.cwd(), "bench", "out", `plan-${RESOURCES}.json`);
const EXAMPLES = path.join(process.cwd(), "examples", "terraform");

interface Change { address: string; module_address?: string; change: { after: unknown } }
interface ExamplePlan { resource_changes: Change[]; configuration: { provider_config: object; root_module: { resources: object[]; module_calls: Record<string, { module: { resources: object[] } }> } } }

function generate(): void {
    if (fs.existsSync(FILE)) return;
    fs.mkdirSync(path.dirname(FILE), { recursive: true });
    const [tagged, untagged] = ["tagged", "untagged"].map((v) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, v, "plan.json"), "utf8")) as ExamplePlan);
    const templates = [...tagged.resource_changes, ...untagged.resource_changes.slice(0, 3)];
    const out = fs.createWriteStream(FILE);
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

function child(mode: "parse" | "plan"): { ms: number; rssMb: number } {
    const r = spawnSync(process.execPath, [__filename, mode, FILE], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, TAGGUARD_TODAY: "2026-11-28" } });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms: number; rssMb: number };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
    const [mode, file] = process.argv.slice(2);
    if (mode === "parse" || mode === "plan") {
        const t0 = performance.now();
        if (mode === "parse") JSON.parse(fs.readFileSync(file, "utf8"));
        else renderPlan(await planReport({ files: [file], policyConfig: {} }), "text");
        console.log(JSON.stringify({ ms: performance.now() - t0, rssMb: process.resourceUsage().maxRSS / 1024 }));
        return;
    }
    generate();
    await new Promise((r) => setTimeout(r, 100));
    const parse: { ms: number; rssMb: number }[] = [];
    const runs: { ms: number; rssMb: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
        parse.push(child("parse"));
        runs.push(child("plan"));
    }
    const [a, p] = [median(runs.map((r) => r.ms)), median(parse.map((r) => r.ms))];
    const size = fs.statSync(FILE).size / 1e6;
    const sample = (await planReport({ files: [FILE], policyConfig: {} })).summary;
    console.log(`bench:plan  (${RESOURCES.toLocaleString("en-US")} resources, ${size.toFixed(0)} MB plan JSON; median of ${RUNS} alternating runs, fresh processes)`);
    console.log(`  JSON.parse of the file    ${(p / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...parse.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  tagguard plan             ${(a / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  ratio                     ${(a / p).toFixed(2).padStart(7)}x  target <= 2.00x`);
    console.log(`  verdict: ${sample.attributable} of ${sample.inScope} in scope attributable; ${sample.violations.mandatory} mandatory violations`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
