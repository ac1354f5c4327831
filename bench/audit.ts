/**
 * `npm run bench:audit`: `tagguard audit` of a generated export with 100,000 resources against a bare
 * `JSON.parse` of the same file, each in a fresh process, alternately, in one run (target <= 3x).
 * Peak memory is each process's maximum resident set.
 *
 *   node bench/out/audit.js            the benchmark
 *   node bench/out/audit.js parse F    (internal) time JSON.parse of F
 *   node bench/out/audit.js audit F    (internal) time the audit of F
 */
import * as fs from "fs";
import * as path from "path";
import { audit, auditConfig } from "../cli/audit/audit";
import { loadStateFiles } from "../cli/audit/state";
import { median, timeStep, timedChild, type Timed } from "./harness";

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILE = path.join(process.cwd(), "bench", "out", `state-${RESOURCES}.json`);
const TODAY = new Date("2026-11-28T00:00:00Z");

const FULL = { team: "fraud", cost_center: "cc-1042", project: "fraud-detection", model_id: "fraud-xgb-v3", environment: "production", lifecycle_phase: "training", created_by: "automation", managed_by: "pulumi" };

/** A large stack: buckets, instances, launch templates, groups, node groups, sub-resources; one in eight untagged. */
function generate(): void {
    if (fs.existsSync(FILE)) return;
    fs.mkdirSync(path.dirname(FILE), { recursive: true });
    const out = fs.createWriteStream(FILE);
    const urn = (type: string, name: string) => `urn:pulumi:prod::big::pulumi:pulumi:Stack$${type}::${name}`;
    const provider = urn("pulumi:providers:aws", "default");
    out.write(`{"version":3,"deployment":{"manifest":{"time":"2026-11-28T00:00:00Z"},"resources":[`);
    out.write(JSON.stringify({ urn: provider, custom: true, id: "p", type: "pulumi:providers:aws", inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: FULL }) } }));
    const kinds = ["aws:s3/bucket:Bucket", "aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group", "aws:eks/nodeGroup:NodeGroup", "aws:s3/bucketVersioning:BucketVersioning", "aws:ec2/subnet:Subnet", "aws:sagemaker/model:Model"];
    for (let i = 0; i < RESOURCES; i++) {
        const type = kinds[i % kinds.length];
        const name = `r${i}`;
        const tagged = i % 8 !== 7;
        const tags = tagged ? { ...FULL, Name: name } : { Name: name };
        const inputs: Record<string, unknown> = type === "aws:autoscaling/group:Group"
            ? { maxSize: 4, minSize: 0, tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })), vpcZoneIdentifiers: [`subnet-${i}`] }
            : type === "aws:ec2/launchTemplate:LaunchTemplate"
                ? { tags, tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags })), imageId: "ami-1", instanceType: "g5.xlarge" }
                : type === "aws:eks/nodeGroup:NodeGroup"
                    ? { tags, clusterName: "ml", launchTemplate: { id: `lt-${i - 2}`, version: "1" }, scalingConfig: { minSize: 0, maxSize: 4, desiredSize: 1 } }
                    : { tags, description: `resource ${i} of a large stack`, arnPrefix: `arn:aws:service:us-east-1:123456789012:${name}` };
        const resource = {
            urn: urn(type, name), custom: true, id: `${name}-id`, type, inputs,
            outputs: { ...inputs, id: `${name}-id`, arn: `arn:aws:service:us-east-1:123456789012:${name}`, ...(type.includes("bucketVersioning") || type.includes("autoscaling") ? {} : { tagsAll: tags }) },
            parent: "urn:pulumi:prod::big::pulumi:pulumi:Stack::big-prod", provider: `${provider}::p`, dependencies: [], propertyDependencies: {},
        };
        out.write(`,${JSON.stringify(resource)}`);
    }
    out.write("]}}");
    out.end();
}

const child = (mode: "parse" | "audit"): Timed => timedChild(__filename, mode, FILE);

async function main(): Promise<void> {
    const [mode, file] = process.argv.slice(2);
    if (mode === "parse" || mode === "audit") {
        await timeStep(() => (mode === "parse" ? JSON.parse(fs.readFileSync(file, "utf8")) : audit(loadStateFiles([file]).results, auditConfig({}, TODAY))));
        return;
    }
    generate();
    await new Promise((r) => setTimeout(r, 100));
    const parse: Timed[] = [];
    const auditRuns: Timed[] = [];
    for (let i = 0; i < RUNS; i++) {
        parse.push(child("parse"));
        auditRuns.push(child("audit"));
    }
    const [a, p] = [median(auditRuns.map((r) => r.ms)), median(parse.map((r) => r.ms))];
    const size = fs.statSync(FILE).size / 1e6;
    const sample = audit(loadStateFiles([FILE]).results, auditConfig({}, TODAY)).summary;
    console.log(`bench:audit  (${RESOURCES.toLocaleString("en-US")} resources, ${size.toFixed(0)} MB export; median of ${RUNS} alternating runs, fresh processes)`);
    console.log(`  JSON.parse of the file    ${(p / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...parse.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  tagguard audit            ${(a / 1000).toFixed(2).padStart(7)} s   peak RSS ${Math.max(...auditRuns.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`  ratio                     ${(a / p).toFixed(2).padStart(7)}x  target <= 3.00x`);
    console.log(`  verdict: ${sample.attributable} of ${sample.inScope} in scope attributable`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
