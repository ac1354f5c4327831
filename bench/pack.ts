/**
 * `npm run bench:pack`: the pack's costs, each against a baseline measured in the same run.
 * 1. Start-up, spawn to GetAnalyzerInfo answered, against a one-policy JavaScript pack (target <= 1.2x).
 *    Every start is a fresh process with no compile cache (NODE_COMPILE_CACHE unset), as on a fresh CI machine.
 * 2. Analyze over gRPC per resource, against the same baseline pack (target <= 1.15x).
 * 3. In-process validation of fully attributed resources through every resource policy: resources per second.
 * 4. The registries the pack carries: types per provider, their source's size, and the time to parse and
 *    evaluate each one's table in a fresh context (part of the start-up above).
 * The resources: an S3 bucket, a Kubernetes Deployment whose pods carry the set as labels, a Karpenter
 * node class whose `spec.tags` carry it, a SageMaker HyperPod cluster of the Cloud Control provider (the
 * pack never loads @pulumi/aws, @pulumi/aws-native or @pulumi/kubernetes).
 */
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { performance } from "perf_hooks";
import { AnalyzerClient, type AnalyzedResource } from "../cli/engine/analyzer-client";
import { startPolicyPack, type StackIdentity } from "../cli/engine/policy-pack-process";
import { createPolicies } from "../policies/all";
import type { ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { median } from "./harness";

// Run from the repository root (npm scripts do); the bench is bundled like the pack before it runs.
const ROOT = process.cwd();
const PACKS = { tagguard: path.join(ROOT, "policies"), baseline: path.join(ROOT, "bench", "trivial-pack") };
const STARTS = Number(process.env.BENCH_STARTS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const IN_PROCESS = Number(process.env.BENCH_IN_PROCESS ?? 200_000);

const identity: StackIdentity = { organization: "acme", project: "bench", stack: "bench", dryRun: true, config: {} };
const TAGS = { team: "fraud", cost_center: "cc-1042", project: "fraud-detection", model_id: "fraud-xgb-v3", environment: "production", lifecycle_phase: "training", created_by: "jane.doe", managed_by: "pulumi" };
const provider = { type: "pulumi:providers:aws", urn: "urn:pulumi:bench::bench::pulumi:providers:aws::default", name: "default", props: { region: "us-east-1", defaultTags: JSON.stringify({ tags: TAGS }) } };
const bucket: AnalyzedResource = {
    type: "aws:s3/bucketV2:BucketV2", name: "features", urn: "urn:pulumi:bench::bench::aws:s3/bucketV2:BucketV2::features",
    inputs: { bucket: "features", forceDestroy: false, tags: TAGS, tagsAll: TAGS }, outputs: {}, provider,
};
const k8sProvider = { type: "pulumi:providers:kubernetes", urn: "urn:pulumi:bench::bench::pulumi:providers:kubernetes::default", name: "default", props: {} };
const deployment: AnalyzedResource = {
    type: "kubernetes:apps/v1:Deployment", name: "scoring", urn: "urn:pulumi:bench::bench::kubernetes:apps/v1:Deployment::scoring", provider: k8sProvider, outputs: {},
    inputs: {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "scoring", namespace: "ml" },
        spec: { replicas: 2, selector: { matchLabels: { app: "scoring" } }, template: { metadata: { labels: { ...TAGS, app: "scoring" } }, spec: { containers: [{ name: "scoring", image: "scoring:1.4" }] } } },
    },
};
const nodeClass: AnalyzedResource = {
    type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", name: "gpu", urn: "urn:pulumi:bench::bench::kubernetes:karpenter.k8s.aws/v1:EC2NodeClass::gpu", provider: k8sProvider, outputs: {},
    inputs: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "gpu" }, spec: { role: "KarpenterNodeRole", amiSelectorTerms: [{ alias: "al2023@latest" }], tags: { ...TAGS, model_id: "shared" } } },
};
const nativeProvider = { type: "pulumi:providers:aws-native", urn: "urn:pulumi:bench::bench::pulumi:providers:aws-native::default", name: "default", props: { region: "us-east-1" } };
const hyperPod: AnalyzedResource = {
    type: "aws-native:sagemaker:Cluster", name: "pretrain", urn: "urn:pulumi:bench::bench::aws-native:sagemaker:Cluster::pretrain", provider: nativeProvider, outputs: {},
    inputs: { instanceGroups: [{ instanceGroupName: "workers", instanceType: "ml.p5.48xlarge", instanceCount: 4, executionRole: "arn:aws:iam::123456789012:role/hp" }], tags: Object.entries(TAGS).map(([key, value]) => ({ key, value })) },
};
/** What each Analyze call and in-process validation takes in turn. */
const MIX: readonly AnalyzedResource[] = [bucket, deployment, nodeClass, hyperPod];

async function startup(packDir: string): Promise<number> {
    const t0 = performance.now();
    const pack = await startPolicyPack(packDir, identity);
    const client = new AnalyzerClient(pack.port);
    await client.getAnalyzerInfo();
    const elapsed = performance.now() - t0;
    client.close();
    await pack.stop();
    return elapsed;
}

/** Per-call Analyze time of both packs, running side by side and called in alternating batches so client warm-up and machine noise hit both alike. */
async function analyzeCosts(): Promise<Record<keyof typeof PACKS, number>> {
    const names = Object.keys(PACKS) as (keyof typeof PACKS)[];
    const running = await Promise.all(names.map(async (name) => {
        const pack = await startPolicyPack(PACKS[name], identity);
        const client = new AnalyzerClient(pack.port);
        await client.configureStack(identity);
        await client.configure({});
        for (let i = 0; i < 500; i++) await client.analyze(MIX[i % MIX.length]); // warm-up
        return { name, pack, client, elapsed: 0 };
    }));
    const BATCH = 250;
    for (let done = 0; done < CALLS; done += BATCH) {
        for (const r of running) {
            const t0 = performance.now();
            for (let i = 0; i < BATCH; i++) await r.client.analyze(MIX[(done + i) % MIX.length]);
            r.elapsed += performance.now() - t0;
        }
    }
    const perCall = {} as Record<keyof typeof PACKS, number>;
    for (const r of running) {
        perCall[r.name] = r.elapsed / CALLS;
        r.client.close();
        await r.pack.stop();
    }
    return perCall;
}

function inProcess(resources: readonly AnalyzedResource[]): number {
    const policies = createPolicies().filter((p) => "validateResource" in p && typeof p.validateResource === "function");
    const report: ReportViolation = () => { throw new Error("a fully tagged resource must not be reported"); };
    let next = 0;
    const run = (): void => {
        const r = resources[next++ % resources.length];
        const args = {
            type: r.type, urn: r.urn, name: r.name,
            props: unknownCheckingProxy(r.inputs),
            provider: r.provider && { ...r.provider, props: unknownCheckingProxy(r.provider.props) },
            stackTags: new Map(), getConfig: () => ({}), notApplicable: (reason?: string): never => { throw new Error(reason); },
        } as unknown as ResourceValidationArgs;
        for (const p of policies) {
            try {
                (p as { validateResource: (a: ResourceValidationArgs, r: ReportViolation) => void }).validateResource(args, report);
            } catch (e) {
                if (!(e instanceof Error) || !/has no rule/.test(e.message)) throw e;
            }
        }
    };
    for (let i = 0; i < 20_000; i++) run();
    const rates: number[] = [];
    for (let round = 0; round < 5; round++) {
        const t0 = performance.now();
        for (let i = 0; i < IN_PROCESS / 5; i++) run();
        rates.push(IN_PROCESS / 5 / ((performance.now() - t0) / 1000));
    }
    return median(rates);
}

/** Parse and evaluate one generated registry's table in a fresh context, as loading the pack does: median of 21, in ms. */
function registryLoad(file: string): { types: number; bytes: number; ms: number } {
    const source = fs.readFileSync(path.join(ROOT, "tagset", file), "utf8");
    const table = source.slice(source.indexOf("= {") + 2, source.lastIndexOf("};") + 1);
    const times: number[] = [];
    let types = 0;
    for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        types = Object.keys(vm.runInNewContext(`(${table})`) as object).length;
        times.push(performance.now() - t0);
    }
    return { types, bytes: Buffer.byteLength(source), ms: median(times) };
}

async function main(): Promise<void> {
    const starts: Record<keyof typeof PACKS, number[]> = { tagguard: [], baseline: [] };
    for (let i = 0; i < STARTS; i++) {
        // Alternate so that machine noise hits both alike.
        starts.baseline.push(await startup(PACKS.baseline));
        starts.tagguard.push(await startup(PACKS.tagguard));
    }
    const [startT, startB] = [median(starts.tagguard), median(starts.baseline)];
    const calls = await analyzeCosts();
    const [callT, callB] = [calls.tagguard, calls.baseline];
    const rate = inProcess([bucket]);
    const mixRate = inProcess(MIX);
    const rows = [
        ["start-up to GetAnalyzerInfo (median of " + STARTS + ")", `${startT.toFixed(0)} ms`, `${startB.toFixed(0)} ms`, (startT / startB).toFixed(2) + "x", "<= 1.20x"],
        ["Analyze over gRPC per resource (" + CALLS + " calls)", `${(callT * 1000).toFixed(0)} us`, `${(callB * 1000).toFixed(0)} us`, (callT / callB).toFixed(2) + "x", "<= 1.15x"],
        ["in-process validation, fully tagged bucket (median of 5)", `${Math.round(rate).toLocaleString("en-US")} /s`, "", "", "> 200,000 /s"],
        ["in-process validation, bucket, Deployment, EC2NodeClass, HyperPod", `${Math.round(mixRate).toLocaleString("en-US")} /s`, "", "", "(shown)"],
    ];
    console.log("bench:pack  (tagguard vs. one-policy JavaScript pack, same run)");
    for (const r of rows) console.log(`  ${r[0].padEnd(68)} ${r[1].padStart(12)} ${r[2].padStart(10)} ${r[3].padStart(7)}   target ${r[4]}`);
    console.log(`  registries in the pack (bundle ${(fs.statSync(path.join(PACKS.tagguard, "dist", "index.js")).size / 1024).toFixed(0)} KB):`);
    for (const [name, file] of [["@pulumi/aws", "registry.generated.ts"], ["@pulumi/aws-native", "aws-native.generated.ts"], ["@pulumi/kubernetes", "kubernetes.generated.ts"]]) {
        const r = registryLoad(file);
        console.log(`    ${name.padEnd(20)} ${String(r.types).padStart(5)} types  ${(r.bytes / 1024).toFixed(0).padStart(4)} KB source  ${r.ms.toFixed(2).padStart(6)} ms to parse and evaluate`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
