import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import type { AuditReport } from "../../cli/audit/audit";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../tagset/values";
import { FULL_TAGS } from "../fixtures";

const ROOT = path.join(__dirname, "..", "..");
const STATES = path.join(ROOT, "test", "fixtures", "state");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");

function tagguard(args: string[]) {
    const r = spawnSync(process.execPath, [BIN, "audit", ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = (args: string[]) => {
    const r = tagguard([...args, "--format", "json", "--today", "2026-11-28"]);
    return { ...r, report: JSON.parse(r.stdout) as AuditReport };
};

const urn = (type: string, name: string) => `urn:pulumi:prod::lake::${type}::${name}`;
const urnName = (u: string) => u.split("::").pop();
const PROVIDER = urn("pulumi:providers:aws", "default_7_48_0");
function exportOf(resources: object[]) {
    return { version: 3, deployment: { manifest: {}, resources: [{ urn: PROVIDER, custom: true, id: "p1", type: "pulumi:providers:aws", inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { team: "data", cost_center: "cc-9", project: "lake", environment: "production", created_by: "automation", managed_by: "pulumi" } }) } }, ...resources] } };
}
const bucket = (name: string, extra: object) => ({ urn: urn("aws:s3/bucket:Bucket", name), custom: true, id: name, type: "aws:s3/bucket:Bucket", provider: `${PROVIDER}::p1`, ...extra });

/** A stack with a known answer: 5 buckets in scope, 2 attributable. */
const KNOWN = exportOf([
    bucket("tagged-by-output", { inputs: {}, outputs: { tagsAll: { ...FULL_TAGS } } }),
    bucket("tagged-by-defaults-no-outputs", { inputs: { tags: { model_id: "m", lifecycle_phase: "training" } } }),
    bucket("untagged", { inputs: {}, outputs: { tagsAll: {} } }),
    bucket("encrypted", { inputs: {}, outputs: { tagsAll: { ...FULL_TAGS, team: { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "v1:AAAA" } } } }),
    bucket("expired", { inputs: {}, outputs: { tagsAll: { ...FULL_TAGS, environment: "experiment", experiment_id: "e1", expires_at: "2026-10-01", project: { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify("Falcon Secret") } } } }),
    { urn: urn("aws:s3/bucketPolicy:BucketPolicy", "policy"), custom: true, type: "aws:s3/bucketPolicy:BucketPolicy", inputs: {} },
]);

function write(dir: string, name: string, content: string | object): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
}

describe("tagguard audit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-audit-"));
    const known = write(dir, "known.json", KNOWN);

    test("the examples' states: coverage asserted exactly, by stack", () => {
        const { code, report } = json([STATES]);
        expect(code).toBe(0);
        expect(report.summary).toEqual({ stacks: 3, inScope: 53, attributable: 37, coverage: 37 / 53, exempt: 0, cannotVerify: 0 });
        expect(report.byStack.map((t) => [t.key, t.attributable, t.inScope])).toEqual([
            ["fraud-platform-legacy/dev", 0, 16], ["fraud-platform-plain/dev", 16, 16], ["fraud-platform/dev", 21, 21],
        ]);
        expect(report.byTeam.map((t) => [t.key, t.attributable, t.inScope])).toEqual([["(none)", 0, 16], ["fraud", 27, 27], ["platform", 7, 7], ["recsys", 3, 3]]);
        expect(report.propagationGaps.map((g) => [g.level, g.urn.split("::").pop()])).toEqual([
            ["mandatory", "trainer-lt"], ["mandatory", "gpu-trainer-0"], ["mandatory", "gpu-trainer-1"], ["mandatory", "training-fleet"], ["mandatory", "gpu-nodes"],
        ]);
        expect(report.nonCompliant).toHaveLength(16);
    });

    test("a known answer: outputs, inputs with provider defaults, encrypted values, expiry", () => {
        const { report } = json([known]);
        expect(report.summary).toEqual({ stacks: 1, inScope: 5, attributable: 4, coverage: 0.8, exempt: 0, cannotVerify: 1 });
        const by = (name: string) => report.nonCompliant.find((n) => n.urn.endsWith(`::${name}`));
        expect(by("tagged-by-output")).toBeUndefined();
        expect(by("tagged-by-defaults-no-outputs")).toBeUndefined(); // inputs + the provider in the same state
        expect(by("untagged")).toMatchObject({ missing: ["cost_center", "created_by", "environment", "lifecycle_phase", "managed_by", "model_id", "project", "team"] });
        expect(by("encrypted")).toMatchObject({ missing: [], cannotVerify: ["team"] });
        expect(by("expired")!.invalid).toEqual([expect.stringMatching(/^`project` \[secret\] must be a lower-case/), expect.stringMatching(/^`expires_at` "2026-10-01" is in the past/)]);
        expect(report.expired).toEqual([{ stack: "lake/prod", urn: urn("aws:s3/bucket:Bucket", "expired"), type: "aws:s3/bucket:Bucket", expiresAt: "2026-10-01" }]);
        expect(JSON.stringify(report)).not.toContain("Falcon");
    });

    test("exemptions from the pack's config, and value rules from it", () => {
        const config = write(dir, "config.json", { "required-tags": { exemptions: [{ name: "untagged", reason: "scheduled for deletion in INFRA-9", expires: "2026-12-31" }] }, "tag-values": { allowedValues: { team: ["platform"] } } });
        const { report } = json([known, "--policy-pack-config", config]);
        expect(report.summary).toMatchObject({ inScope: 4, attributable: 4, exempt: 1 });
        expect(report.exemptions).toEqual([{ name: "untagged", reason: "scheduled for deletion in INFRA-9", expires: "2026-12-31", inForce: true, matches: 1 }]);
        expect(report.nonCompliant.find((n) => n.urn.endsWith("::tagged-by-output"))!.invalid).toEqual(['`team` "fraud" must be one of platform']);
    });

    test("a DIY backend's own state files (.pulumi/stacks/<project>/<stack>.json, gzipped or not) are audited as their export is", () => {
        // What `pulumi login s3://...` keeps in the bucket: the deployment under `checkpoint.latest`.
        const backend = fs.mkdtempSync(path.join(dir, "backend-"));
        const checkpoint = { version: 3, checkpoint: { stack: "acme/lake/prod", latest: KNOWN.deployment } };
        write(backend, "prod.json", checkpoint);
        const staging = JSON.stringify({ ...checkpoint, checkpoint: { ...checkpoint.checkpoint, stack: "acme/lake/staging" } }).replaceAll("urn:pulumi:prod::", "urn:pulumi:staging::");
        fs.writeFileSync(path.join(backend, "staging.json.gz"), zlib.gzipSync(staging));
        write(backend, "new.json", { version: 3, checkpoint: { stack: "acme/lake/new" } }); // created, never updated
        write(backend, "prod.json.bak", "not read: a backup the backend keeps beside each file");
        const fromExport = json([known]).report;
        const { code, report } = json([backend]);
        expect(code).toBe(0);
        expect(report.errors).toEqual([]);
        expect(report.summary).toEqual({ ...fromExport.summary, stacks: 3, inScope: 10, attributable: 8, cannotVerify: 2 });
        expect(report.nonCompliant).toHaveLength(2 * fromExport.nonCompliant.length);
        expect(report.byStack.map((t) => [t.key, t.attributable, t.inScope])).toEqual([["lake/prod", 4, 5], ["lake/staging", 4, 5]]);
    });

    test("gzip that is cut short is named, not crashed on", () => {
        const gz = zlib.gzipSync(JSON.stringify(KNOWN));
        const bad = path.join(dir, "cut.json.gz");
        fs.writeFileSync(bad, gz.subarray(0, gz.length - 20));
        const { code, report } = json([bad, known]);
        expect(code).toBe(2);
        expect(report.errors).toEqual([{ file: bad, error: expect.stringMatching(/gzip data that is corrupt or cut short/) }]);
    });

    test.each([
        ["not JSON", "<html>", /not valid JSON at line 1, column 1/],
        ["truncated", JSON.stringify(KNOWN).slice(0, 200), /the file ends before its JSON does \(truncated\?\)/],
        ["another deployment version", { version: 2, deployment: { resources: [] } }, /deployment version 2; tagguard reads version 3/],
        ["not an export", { resources: [] }, /not a `pulumi stack export` file/],
    ])("%s: reported, and the other stacks still audited (exit 2)", (_name, content, message) => {
        const bad = write(dir, `bad-${_name.replace(/\W+/g, "-")}.json`, content);
        const { code, report, stderr } = json([bad, known]);
        expect(code).toBe(2);
        expect(report.errors).toEqual([{ file: bad, error: expect.stringMatching(message) }]);
        expect(report.summary).toMatchObject({ stacks: 1, inScope: 5 });
        expect(stderr).toMatch(message);
    });

    test("resources the stack only reads (external: true, `X.get`) are not audited: another stack manages them", () => {
        const withReads = write(dir, "reads.json", exportOf([
            bucket("tagged", { inputs: {}, outputs: { tagsAll: { ...FULL_TAGS } } }),
            { urn: urn("aws:ec2/vpc:Vpc", "default-vpc"), custom: true, external: true, id: "vpc-0a1b2c", type: "aws:ec2/vpc:Vpc", provider: `${PROVIDER}::p1`, inputs: {}, outputs: { id: "vpc-0a1b2c", tagsAll: {} } },
            bucket("central-logs", { external: true, inputs: {}, outputs: { tagsAll: {} } }),
        ]));
        const { code, report } = json([withReads]);
        expect(code).toBe(0);
        expect(report.summary).toMatchObject({ inScope: 1, attributable: 1 });
        expect(report.nonCompliant).toEqual([]);
        expect(report.warnings).toEqual([expect.stringMatching(/reads\.json: 2 resources the stack only reads \(external: true, read with `\.get`\) not counted/)]);
    });

    test("Kubernetes workloads: pods' labels from the state, coverage by namespace and team, node pools as propagation gaps", () => {
        const K8S = urn("pulumi:providers:kubernetes", "default_4_34_2");
        const deployment = (name: string, namespace: string, labels: Record<string, string>) => ({
            urn: urn("kubernetes:apps/v1:Deployment", name), custom: true, id: `${namespace}/${name}`, type: "kubernetes:apps/v1:Deployment", provider: `${K8S}::k1`,
            inputs: {}, outputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace }, spec: { template: { metadata: { labels } } }, status: { readyReplicas: 2 } },
        });
        const exported = write(dir, "k8s.json", exportOf([
            { urn: K8S, custom: true, id: "k1", type: "pulumi:providers:kubernetes", inputs: {} },
            deployment("scoring", "ml", { ...FULL_TAGS, app: "scoring" }),
            deployment("embeddings", "ml", { app: "embeddings" }),
            deployment("coredns", "kube-system", { "k8s-app": "kube-dns" }),
            deployment("mailer", "ops", { ...FULL_TAGS, created_by: "jane.doe@example.com" }),
            { urn: urn("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gpu"), custom: true, id: "gpu", type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", provider: `${K8S}::k1`, inputs: {}, outputs: { spec: { role: "r", tags: { team: "platform" } } } },
        ]));
        const { code, report } = json([exported]);
        expect(code).toBe(0);
        expect(report.byNamespace.map((t) => [t.key, t.attributable, t.inScope])).toEqual([["ml", 1, 2], ["ops", 1, 1]]);
        expect(report.nonCompliant.map((n) => [urnName(n.urn), n.missing.length, n.invalid])).toEqual([
            ["embeddings", 8, []],
            ["mailer", 0, [expect.stringMatching(/^`created_by` "jane\.doe@example\.com" is an e-mail address, which cannot be a label value/)]],
            ["gpu", 7, []],
        ]);
        expect(report.propagationGaps).toEqual([expect.objectContaining({ type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", level: "mandatory", problem: expect.stringMatching(/`spec\.tags` lacks `cost_center`/) })]);
        expect(report.byService.find((t) => t.key === "kubernetes")).toMatchObject({ inScope: 4, attributable: 2 });
    });

    test("Cloud Control (aws-native) resources: the export of test/fixtures/programs/cloud-control-twin, judged as check judges the program", () => {
        const { code, report } = json([path.join(ROOT, "test", "fixtures", "state-cloud-control", "cloud-control-twin.json")]);
        expect(code).toBe(0);
        expect(report.summary).toMatchObject({ stacks: 1, inScope: 8, attributable: 6 });
        expect(report.nonCompliant.map((n) => [n.type, urnName(n.urn)])).toEqual([
            ["aws-native:s3:Bucket", "untagged"], ["aws-native:s3:Bucket", "bad_phase"], ["aws-native:sagemaker:Cluster", "pretrain"],
        ]);
        expect(report.propagationGaps.map((g) => [g.level, g.type, urnName(g.urn)])).toEqual([
            ["mandatory", "aws-native:eks:Nodegroup", "gpu"], ["mandatory", "aws-native:ec2:Instance", "trainer"], ["mandatory", "aws-native:sagemaker:Cluster", "pretrain"],
        ]);
        expect(report.byService.find((t) => t.key === "sagemaker")).toMatchObject({ inScope: 1, attributable: 0 });
    });

    test("Cloud Control outputs as AWS returns them, and the aws-native provider's default tags in the state", () => {
        const native = urn("pulumi:providers:aws-native", "default_1_79_0");
        const state = { version: 3, deployment: { manifest: {}, resources: [
            { urn: native, custom: true, id: "n1", type: "pulumi:providers:aws-native", inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { team: "data", cost_center: "cc-9", project: "lake", environment: "production", created_by: "automation", managed_by: "pulumi" } }) } },
            // Outputs hold the tags AWS reports (the defaults merged by the provider's Check); inputs the program's.
            { urn: urn("aws-native:s3:Bucket", "by-outputs"), custom: true, id: "b1", type: "aws-native:s3:Bucket", provider: `${native}::n1`, inputs: { tags: [{ key: "model_id", value: "m" }] }, outputs: { tags: Object.entries({ ...FULL_TAGS, team: "data" }).map(([key, value]) => ({ key, value })) } },
            { urn: urn("aws-native:s3:Bucket", "by-defaults"), custom: true, id: "b2", type: "aws-native:s3:Bucket", provider: `${native}::n1`, inputs: { tags: [{ key: "model_id", value: "m" }, { key: "lifecycle_phase", value: "training" }] } },
            { urn: urn("aws-native:sagemaker:Cluster", "hp"), custom: true, id: "c1", type: "aws-native:sagemaker:Cluster", provider: `${native}::n1`, inputs: {}, outputs: { tags: [{ key: "Name", value: "hp" }], instanceGroups: [{ instanceGroupName: "w", instanceType: "ml.p5.48xlarge", instanceCount: 8 }] } },
        ] } };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-audit-native-"));
        const { report } = json([write(dir, "native.json", state)]);
        expect(report.summary).toMatchObject({ inScope: 3, attributable: 2 });
        expect(report.nonCompliant.map((n) => urnName(n.urn))).toEqual(["hp"]);
        expect(report.propagationGaps).toEqual([expect.objectContaining({ level: "mandatory", problem: expect.stringMatching(/`w` \(8 × ml\.p5\.48xlarge\)/) })]);
    });

    test("--fail-under", () => {
        expect(tagguard([known, "--fail-under", "80", "--today", "2026-11-28"]).code).toBe(0);
        expect(tagguard([known, "--fail-under", "80.1", "--today", "2026-11-28"]).code).toBe(1);
        expect(tagguard([known, "--fail-under", "120"]).code).toBe(2);
    });

    test("text, markdown and csv", () => {
        const text = tagguard([known, "--today", "2026-11-28"]).stdout;
        expect(text.split("\n")[0]).toBe("Attribution audit (2026-11-28): 4 of 5 resources in scope are attributable (80.0%) across 1 stack; 0 exempt, 1 with values that cannot be verified.");
        expect(text).toContain("Still deployed after their expires_at:\n  lake/prod  aws:s3/bucket:Bucket expired (expires_at 2026-10-01)");
        const md = tagguard([known, "--format", "markdown", "--today", "2026-11-28"]).stdout;
        expect(md).toContain("| lake/prod | 4 | 5 | 80.0% |");
        const csv = tagguard([known, "--format", "csv", "--today", "2026-11-28"]).stdout.split("\n");
        expect(csv[0]).toBe("section,stack,urn,type,key,in_scope,attributable,coverage,missing,invalid,cannot_verify");
        expect(csv).toContain("by_stack,,,,lake/prod,5,4,0.8000,,,");
        for (const out of [text, md, csv.join("\n")]) expect(out).not.toContain("Falcon");
    });
});
