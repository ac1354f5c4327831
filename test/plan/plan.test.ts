/**
 * `tagguard plan`: the pack's rules on Terraform plans, in the plan's own shapes. Rule cases run the
 * plan reader and the in-process pack directly; formats, exit codes and bad files go through the CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parsePolicyPackConfig } from "../../cli/engine/policy-config";
import { planReport, type PlanReport } from "../../cli/plan/plan";
import { withoutInstanceKeys } from "../../cli/plan/views";
import { terraformFix, terraformWording } from "../../cli/plan/wording";
import { splitFix } from "../../cli/check/formats";
import { HOW_TO_FIX_PATTERN, howToFix } from "../../policies/required-tags";
import { FULL_TAGS, without } from "../fixtures";
import { plan, tempDir, writePlan, type PlanSpec } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
async function run(spec: PlanSpec, policyConfig = {}): Promise<PlanReport> {
    const file = writePlan(dir, `case-${counter++}.json`, plan(spec));
    return planReport({ files: [file], policyConfig: parsePolicyPackConfig(JSON.stringify(policyConfig)) });
}

/** `[policy, level]` per address, sorted; the plan-wide summary left out. */
function verdicts(r: PlanReport): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const v of r.violations) if (v.address !== null) (out[v.address] ??= []).push(`${v.policy}:${v.enforcementLevel}`);
    for (const k of Object.keys(out)) out[k].sort();
    return out;
}

function cli(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, [BIN, "plan", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TAGGUARD_TODAY: "2026-11-28", ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bucket = (address: string, after: Record<string, unknown>, extra: Partial<PlanSpec["changes"][number]> = {}) => ({ address, after: { bucket: "b", ...after }, ...extra });
const MODEL = { model_id: "fraud-xgb-v3", lifecycle_phase: "training" };
const SHARED = without(FULL_TAGS, "model_id", "lifecycle_phase");
const launched = Object.entries(FULL_TAGS);

describe("required tags in the plan's shapes", () => {
    test.each([
        ["tags_all complete", { tags: MODEL, tags_all: FULL_TAGS }, {}, []],
        ["tags_all lacking keys", { tags: MODEL, tags_all: MODEL }, {}, ["required-tags:mandatory"]],
        ["no tags_all: tags over the provider's constant default_tags", { tags: MODEL }, { aws: { defaultTags: SHARED } }, []],
        ["no tags_all: default_tags lacking keys", { tags: MODEL }, { aws: { defaultTags: without(SHARED, "team") } }, ["required-tags:mandatory"]],
        ["no tags_all: default_tags from a variable (unknown here) leave keys to apply", { tags: MODEL }, { aws: { defaultTags: { references: ["var.tags"] } } }, ["required-tags:advisory"]],
        ["ignore_tags removes a key from the merged tags", { tags: MODEL }, { aws: { defaultTags: SHARED, ignoreTags: { keys: ["team"] } } }, ["required-tags:mandatory"]],
    ])("%s", async (_name, after, providers, expected) => {
        const r = await run({ changes: [bucket("aws_s3_bucket.b", after)], providers, configured: { "aws_s3_bucket.b": {} } });
        expect(verdicts(r)["aws_s3_bucket.b"] ?? []).toEqual(expected);
    });

    test("tags_all unknown at plan: tags over default tags decide; unknown values are advisory", async () => {
        const r = await run({
            changes: [
                bucket("aws_s3_bucket.known", { tags: MODEL }, { unknown: { tags_all: true } }),
                bucket("aws_s3_bucket.value", { tags: { model_id: "m-v1" } }, { unknown: { tags: { lifecycle_phase: true }, tags_all: true } }),
                bucket("aws_s3_bucket.whole", {}, { unknown: { tags: true, tags_all: true } }),
            ],
            providers: { aws: { defaultTags: SHARED } },
        });
        expect(verdicts(r)).toEqual({ "aws_s3_bucket.value": ["required-tags:advisory"], "aws_s3_bucket.whole": ["required-tags:advisory"] });
        expect(r.violations.find((v) => v.address === "aws_s3_bucket.whole")?.message).toMatch(/cannot be known at plan time/);
    });

    test("aliased providers, module providers and inheritance each bring their own default tags", async () => {
        const r = await run({
            changes: [
                bucket("aws_s3_bucket.root", { tags: MODEL }),
                bucket("aws_s3_bucket.west", { tags: MODEL }),
                bucket("module.m.aws_s3_bucket.own", { tags: MODEL }),
                bucket('module.n["a"].aws_s3_bucket.inherited', { tags: MODEL }),
                bucket("module.o.module.p.aws_s3_bucket.old_key", { tags: MODEL }),
            ],
            providers: { "aws": { defaultTags: SHARED }, "aws.west": { alias: "west" }, "module.m:aws": { module: "module.m", defaultTags: without(SHARED, "cost_center") } },
            configured: {
                "aws_s3_bucket.root": { provider: "aws" },
                "aws_s3_bucket.west": { provider: "aws.west" },
                "module.m.aws_s3_bucket.own": { provider: "module.m:aws" },
                "module.n.aws_s3_bucket.inherited": { provider: "aws" },
                // An older Terraform's key that names the module's inherited provider: found in the parent.
                "module.o.module.p.aws_s3_bucket.old_key": { provider: "module.o.module.p:aws" },
            },
        });
        expect(verdicts(r)).toEqual({ "aws_s3_bucket.west": ["required-tags:mandatory"], "module.m.aws_s3_bucket.own": ["required-tags:mandatory"] });
        expect(r.violations.find((v) => v.address === "module.m.aws_s3_bucket.own")?.message).toMatch(/Missing required tags: `cost_center`/);
    });

    test("messages speak Terraform: tags_all, default_tags, plan and apply", async () => {
        const r = await run({ changes: [bucket("aws_s3_bucket.b", { tags: MODEL, tags_all: MODEL })] });
        const message = r.violations.find((v) => v.policy === "required-tags")?.message ?? "";
        expect(message).toMatch(/looked at tags_all/);
        expect(message).toMatch(/`default_tags \{ tags = \{\.\.\.\} \}` block/);
        expect(message).not.toMatch(/pulumi|tagsAll|defaultTags|preview/i);
    });

    test("the fix for the default provider names the missing keys in both dialects, and is printed once", () => {
        const pulumiFix = howToFix(["cost_center", "team"]);
        const message = terraformWording(`Missing required tags: \`cost_center\`, \`team\` (looked at tagsAll). ${pulumiFix}`);
        expect(message).toBe('Missing required tags: `cost_center`, `team` (looked at tags_all). Set them once for every resource of the provider in its `default_tags` block (`provider "aws" { default_tags { tags = { cost_center = "...", team = "..." } } }`), or on the resource\'s `tags`.');
        expect(splitFix("required-tags", message, new Map([["required-tags", terraformFix(HOW_TO_FIX_PATTERN)]]))).toEqual({
            message: "Missing required tags: `cost_center`, `team` (looked at tags_all).",
            fix: 'Set them once for every resource of the provider in its `default_tags` block (`provider "aws" { default_tags { tags = { cost_center = "...", team = "..." } } }`), or on the resource\'s `tags`.',
        });
        expect(terraformWording(howToFix(["model_id"]))).toMatch(/^Set it once .*tags = \{ model_id = "\.\.\." \}/);
    });
});

describe("tag values, limits and exemptions", () => {
    test("a value outside the vocabulary is mandatory; a sensitive one is never printed", async () => {
        const r = await run({
            changes: [
                bucket("aws_s3_bucket.phase", { tags_all: { ...FULL_TAGS, lifecycle_phase: "data_prep" } }),
                bucket("aws_s3_bucket.secret", { tags_all: { ...FULL_TAGS, team: "Falcon Secret Team" } }, { sensitive: { tags_all: { team: true } } }),
            ],
        });
        expect(verdicts(r)).toEqual({ "aws_s3_bucket.phase": ["tag-values:mandatory"], "aws_s3_bucket.secret": ["tag-values:mandatory"] });
        expect(JSON.stringify(r)).not.toMatch(/Falcon/);
        expect(r.violations.find((v) => v.address === "aws_s3_bucket.secret")?.message).toMatch(/\[secret\]/);
    });

    test.each([
        // Characters outside the cross-service guidance are advice, never a failure, on EC2.
        ["EC2 accepts 127-character keys and any characters", "aws_instance.i", { ["k".repeat(127)]: "allow ssh,http,https" }, ["aws-tag-limits:advisory"]],
        ["EC2 refuses a 128-character key", "aws_instance.i", { ["k".repeat(128)]: "v" }, ["aws-tag-limits:mandatory"]],
        ["S3 refuses a 257-character value", "aws_s3_bucket.b", { note: "v".repeat(257) }, ["aws-tag-limits:mandatory"]],
    ])("%s", async (_name, address, extra, expected) => {
        const after = address.startsWith("aws_instance")
            ? { ami: "ami-1", instance_type: "t3.micro", tags_all: { ...FULL_TAGS, ...extra }, volume_tags: FULL_TAGS }
            : { bucket: "b", tags_all: { ...FULL_TAGS, ...extra } };
        const r = await run({ changes: [{ address, after }] });
        expect((verdicts(r)[address] ?? []).filter((v) => v.startsWith("aws-tag-limits"))).toEqual(expected);
    });

    test("keys named like Object's own members (`__proto__`, `constructor`) are tags like any other, marked or not", async () => {
        const instance = (after: object) => ({ ami: "ami-1", instance_type: "t3.micro", tags_all: FULL_TAGS, ...after });
        // As JSON.parse reads a plan: `__proto__` an own key.
        const parsed = JSON.parse(`{"__proto__": "${"v".repeat(300)}", "constructor": "c", ${JSON.stringify(FULL_TAGS).slice(1)}`) as Record<string, string>;
        const r = await run({
            changes: [
                { address: "aws_instance.plain", after: instance({ root_block_device: [{ tags: parsed }] }) },
                // A sensitive mark inside the block makes the reader copy it key by key.
                { address: "aws_instance.marked", after: instance({ root_block_device: [{ tags: parsed, kms_key_id: "k" }] }), sensitive: { root_block_device: [{ kms_key_id: true }] } },
            ],
        });
        for (const address of ["aws_instance.plain", "aws_instance.marked"]) {
            const limits = r.violations.filter((v) => v.address === address && v.policy === "aws-tag-limits");
            expect(limits.map((v) => v.message).join(" ")).toMatch(/`__proto__`: value is 300 characters/);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    test("exemptions match the address (name and urn) and the type token", async () => {
        const r = await run({ changes: [bucket("module.legacy.aws_s3_bucket.old", {}), bucket("aws_s3_bucket.new", {})] }, {
            "required-tags": { exemptions: [{ name: "module.legacy.*", reason: "migrated by INFRA-212 this quarter", expires: "2099-01-01" }] },
        });
        expect(Object.keys(verdicts(r)).filter((a) => verdicts(r)[a].includes("required-tags:mandatory"))).toEqual(["aws_s3_bucket.new"]);
    });
});

describe("cost reaches a tagged resource, in Terraform's shapes", () => {
    const group = (tags: unknown[], extra: Record<string, unknown> = {}) => ({ min_size: 0, max_size: 2, tag: tags, ...extra });
    const lt = (specs: { resource_type: string; tags: Record<string, string> }[]) => ({ name_prefix: "lt-", tag_specifications: specs, tags_all: FULL_TAGS });
    const fullSpecs = [{ resource_type: "instance", tags: FULL_TAGS }, { resource_type: "volume", tags: FULL_TAGS }];

    test.each([
        ["tag blocks propagated at launch (volumes still untagged: advisory)", group(launched.map(([key, value]) => ({ key, value, propagate_at_launch: true }))), ["cost-reaches-tagged-resource:advisory"]],
        ["a tag block not propagated", group(launched.map(([key, value]) => ({ key, value, propagate_at_launch: key !== "team" }))), ["cost-reaches-tagged-resource:mandatory"]],
        ["the legacy tags list with propagate_at_launch as the string \"true\"", { min_size: 0, max_size: 2, tags: launched.map(([key, value]) => ({ key, value, propagate_at_launch: "true" })) }, ["cost-reaches-tagged-resource:advisory"]],
        ["no tags at all", group([]), ["cost-reaches-tagged-resource:mandatory", "required-tags:mandatory"]],
    ])("autoscaling group: %s", async (_name, after, expected) => {
        const r = await run({ changes: [{ address: "aws_autoscaling_group.g", after }] });
        expect(verdicts(r)["aws_autoscaling_group.g"] ?? []).toEqual(expected);
    });

    test.each([
        ["tagging instance and volume", fullSpecs, []],
        ["no volume specification", [fullSpecs[0]], ["cost-reaches-tagged-resource:mandatory"]],
        ["instance tags lacking a key", [{ resource_type: "instance", tags: without(FULL_TAGS, "team") }, fullSpecs[1]], ["cost-reaches-tagged-resource:mandatory"]],
    ])("launch template: %s", async (_name, specs, expected) => {
        const r = await run({ changes: [{ address: "aws_launch_template.t", after: lt(specs) }] });
        expect(verdicts(r)["aws_launch_template.t"] ?? []).toEqual(expected);
    });

    test("a launch template known only at apply is found through the configuration's references, in the same module instance", async () => {
        const r = await run({
            changes: [
                { address: 'module.w["a"].aws_launch_template.t', after: lt([fullSpecs[0]]), unknown: { id: true } },
                { address: 'module.w["b"].aws_launch_template.t', after: lt(fullSpecs), unknown: { id: true } },
                { address: 'module.w["b"].aws_autoscaling_group.g', after: group(launched.map(([key, value]) => ({ key, value, propagate_at_launch: true })), { launch_template: [{ version: "$Latest" }] }), unknown: { launch_template: [{ id: true, name: true }] } },
                { address: 'module.w["a"].aws_eks_node_group.n', after: { cluster_name: "c", tags_all: FULL_TAGS, launch_template: [{ version: "1" }] }, unknown: { launch_template: [{ id: true, name: true }] } },
                { address: "aws_eks_node_group.bare", after: { cluster_name: "c", tags_all: FULL_TAGS, launch_template: [] } },
            ],
            configured: {
                "module.w.aws_launch_template.t": {},
                "module.w.aws_autoscaling_group.g": { expressions: { launch_template: [{ id: { references: ["aws_launch_template.t.id", "aws_launch_template.t"] } }] } },
                "module.w.aws_eks_node_group.n": { expressions: { launch_template: [{ id: { references: ["aws_launch_template.t.id", "aws_launch_template.t"] } }] } },
                "aws_eks_node_group.bare": {},
            },
        });
        const v = verdicts(r);
        expect(v['module.w["b"].aws_autoscaling_group.g'] ?? []).toEqual([]);
        expect(v['module.w["a"].aws_eks_node_group.n']).toEqual(["cost-reaches-tagged-resource:mandatory"]);
        expect(r.violations.find((x) => x.address === 'module.w["a"].aws_eks_node_group.n')?.message).toMatch(/launch template `module\.w\["a"\]\.aws_launch_template\.t`.*no tag specification for `volume`/);
        expect(v["aws_eks_node_group.bare"]).toEqual(["cost-reaches-tagged-resource:mandatory"]);
    });

    // terraform-aws-modules/eks: `launch_template { id = local.launch_template_id }`; a plan's configuration does not resolve locals.
    test("a launch template reached through a local cannot be followed: advisory, in the plan's words", async () => {
        const r = await run({
            changes: [
                { address: 'module.eks.module.ng["gpu"].aws_launch_template.this[0]', after: lt(fullSpecs), unknown: { id: true } },
                { address: 'module.eks.module.ng["gpu"].aws_eks_node_group.this[0]', after: { cluster_name: "c", tags_all: FULL_TAGS, launch_template: [{ name: null }] }, unknown: { launch_template: [{ id: true, version: true }] } },
            ],
            configured: {
                "module.eks.module.ng.aws_launch_template.this": {},
                "module.eks.module.ng.aws_eks_node_group.this": { expressions: { launch_template: [{ id: { references: ["local.launch_template_id"] } }] } },
            },
        });
        const finding = r.violations.find((x) => x.address === 'module.eks.module.ng["gpu"].aws_eks_node_group.this[0]');
        expect(finding).toMatchObject({ enforcementLevel: "advisory", message: expect.stringMatching(/^This node group launches from a launch template \(`launch_template`\) that tagguard cannot find in this plan, so it cannot verify/) });
    });

    test.each([
        ["volume_tags complete", { volume_tags: FULL_TAGS }, {}, []],
        ["root block device tags lacking keys", { volume_tags: null, root_block_device: [{ volume_size: 100, tags: MODEL }] }, {}, ["cost-reaches-tagged-resource:mandatory"]],
        ["an extra EBS block device without tags", { volume_tags: null, root_block_device: [{ tags: FULL_TAGS }], ebs_block_device: [{ device_name: "/dev/sdf", tags: null }] }, {}, ["cost-reaches-tagged-resource:mandatory"]],
        ["block devices the provider computes (not configured) do not count", { volume_tags: FULL_TAGS }, { ebs_block_device: true }, []],
    ])("instance: %s", async (_name, after, unknown, expected) => {
        const r = await run({ changes: [{ address: "aws_instance.i", after: { ami: "ami-1", instance_type: "p3.2xlarge", tags_all: FULL_TAGS, ...after }, unknown }], configured: { "aws_instance.i": { expressions: { ami: {}, volume_tags: {} } } } });
        expect(verdicts(r)["aws_instance.i"] ?? []).toEqual(expected);
        if (expected.length) expect(r.violations[0].message).toMatch(/root_block_device\.tags|ebs_block_device\[0\]\.tags/);
    });

    test.each([
        ["EC2, instances tagged only through default tags", { type: "EC2", tags: null }, ["cost-reaches-tagged-resource:mandatory"]],
        ["spot, instances tagged", { type: "SPOT", tags: FULL_TAGS }, []],
        ["Fargate: no instances", { type: "FARGATE", tags: null }, []],
    ])("AWS Batch compute environment, %s", async (_name, computeResources, expected) => {
        const r = await run({ changes: [{ address: "aws_batch_compute_environment.gpu", after: { type: "MANAGED", tags_all: FULL_TAGS, compute_resources: [{ max_vcpus: 64, ...computeResources }] } }] });
        expect(verdicts(r)["aws_batch_compute_environment.gpu"] ?? []).toEqual(expected);
        if (expected.length) expect(r.violations[0].message).toMatch(/^Instances of this compute environment would be unattributable: `compute_resources\.tags` lacks `cost_center`.*Set `compute_resources\.tags` to the tag set/);
    });

    test.each([["ENABLED", []], ["DISABLED", ["cost-reaches-tagged-resource:mandatory"]]])("SageMaker domain with tag_propagation %s", async (value, expected) => {
        const r = await run({ changes: [{ address: "aws_sagemaker_domain.d", after: { domain_name: "d", tags_all: FULL_TAGS, tag_propagation: value } }] });
        expect(verdicts(r)["aws_sagemaker_domain.d"] ?? []).toEqual(expected);
    });
});

describe("what a plan does", () => {
    test("creates, updates and replacements are judged; deletes, forgets, no-ops, reads, deposed objects and other providers are listed as not checked", async () => {
        const r = await run({
            changes: [
                bucket("aws_s3_bucket.create", {}),
                bucket("aws_s3_bucket.update", {}, { actions: ["update"] }),
                bucket("aws_s3_bucket.replace", {}, { actions: ["delete", "create"] }),
                bucket("aws_s3_bucket.replace_first", {}, { actions: ["create", "delete"] }),
                bucket("aws_s3_bucket.delete", {}, { actions: ["delete"] }),
                bucket("aws_s3_bucket.same", {}, { actions: ["no-op"] }),
                // A `removed` block with `lifecycle { destroy = false }` (Terraform 1.7).
                bucket("aws_s3_bucket.forgotten", {}, { actions: ["forget"] }),
                bucket("aws_s3_bucket.deposed", {}, { actions: ["delete"], deposed: "00000001" }),
                { address: "data.aws_s3_bucket.read", after: {}, actions: ["read"], mode: "data" },
                { address: "google_storage_bucket.other", after: { labels: {} }, provider: "registry.terraform.io/hashicorp/google" },
                { address: "aws_s3_bucket_policy.untaggable", after: { bucket: "b", policy: "{}" } },
                { address: "aws_brand_new_thing.x", after: { tags: {} } },
            ],
        });
        expect(r.resources.map((x) => [x.address, x.action])).toEqual([
            ["aws_s3_bucket.create", "create"], ["aws_s3_bucket.update", "update"], ["aws_s3_bucket.replace", "replace"], ["aws_s3_bucket.replace_first", "replace"], ["aws_s3_bucket_policy.untaggable", "create"],
        ]);
        expect(Object.keys(verdicts(r)).sort()).toEqual(["aws_s3_bucket.create", "aws_s3_bucket.replace", "aws_s3_bucket.replace_first", "aws_s3_bucket.update"]);
        expect(r.summary.notChecked).toEqual({ unchanged: 1, deleted: 2, forgotten: 1, notManaged: 1, otherProvider: 1, unknownType: 0, tagsUnknownToRegistry: 1 });
        expect(r.warnings.join("\n")).toMatch(/aws_brand_new_thing/);
    });

    test("instance keys in addresses, even with brackets and quotes inside", () => {
        expect(withoutInstanceKeys('module.a["x]\\"y"].module.b[0].aws_instance.i["k"]')).toBe("module.a.module.b.aws_instance.i");
    });
});

describe("tagguard plan (the command)", () => {
    const untagged = path.join(ROOT, "examples", "terraform", "untagged", "plan.json");
    const tagged = path.join(ROOT, "examples", "terraform", "tagged", "plan.json");

    test("the examples: untagged fails (exit 1), tagged passes (exit 0)", () => {
        const bad = cli([untagged, "--format", "json"]);
        expect(bad.code).toBe(1);
        const report = JSON.parse(bad.stdout) as PlanReport;
        expect(report.summary).toMatchObject({ resources: 9, inScope: 9, attributable: 0, violations: { mandatory: 15 } });
        expect(new Set(report.violations.map((v) => v.policy))).toEqual(new Set(["required-tags", "cost-reaches-tagged-resource", "attribution-coverage"]));
        const good = cli([tagged]);
        expect(good.code).toBe(0);
        expect(good.stdout).toMatch(/9 of 9 resources in scope carry the full tag set \(100\.0%\)/);
    });

    test("every finding about a resource in a module names the module's source, the stack half's findings too", () => {
        const report = JSON.parse(cli([untagged, "--format", "json"]).stdout) as PlanReport;
        const inModules = report.violations.filter((v) => v.address?.startsWith("module.training."));
        // The autoscaling group's launch template is judged in the stack half, from the other resource.
        expect(inModules.map((v) => `${v.policy} ${v.address}`)).toContain("cost-reaches-tagged-resource module.training.aws_autoscaling_group.workers");
        expect(inModules.filter((v) => v.moduleSource !== "./modules/training")).toEqual([]);
        expect(report.violations.filter((v) => v.address === null || !v.address.startsWith("module.")).filter((v) => v.moduleSource !== undefined)).toEqual([]);
        expect(cli([untagged]).stdout).toMatch(/cost-reaches-tagged-resource {2}\(module\.training\.aws_autoscaling_group\.workers in module \.\/modules\/training\)/);
    });

    test("sarif and github formats", () => {
        const sarif = JSON.parse(cli([untagged, "--format", "sarif"]).stdout);
        expect(sarif.runs[0].results.length).toBe(16);
        expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe("aws_s3_bucket.features");
        const github = cli([untagged, "--format", "github"]).stdout.trim().split("\n");
        expect(github.filter((l) => l.startsWith("::error ")).length).toBe(10); // capped as GitHub caps them
        expect(github.every((l) => l.startsWith("::"))).toBe(true);
    });

    test("sensitive values are never printed, in any format", () => {
        const file = writePlan(dir, "sensitive.json", plan({
            changes: [bucket("aws_s3_bucket.s", { tags_all: { ...FULL_TAGS, team: "Falcon Secret Team", "Falcon Secret Key": "x" } }, { sensitive: { tags_all: true } })],
        }));
        for (const format of ["text", "json", "sarif", "github"]) {
            const r = cli([file, "--format", format]);
            expect(r.code).toBe(1);
            expect(r.stdout + r.stderr).not.toMatch(/Falcon/);
        }
    });

    test("UTF-8 with a BOM and UTF-16 (PowerShell) read the same", () => {
        const text = fs.readFileSync(untagged, "utf8");
        const bom = writePlan(dir, "bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
        const utf16 = writePlan(dir, "utf16.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
        const expected = JSON.parse(cli([untagged, "--format", "json"]).stdout).summary;
        for (const f of [bom, utf16]) expect(JSON.parse(cli([f, "--format", "json"]).stdout).summary).toEqual(expected);
    });

    test.each([
        ["not JSON", "<html>", /not valid JSON at line 1, column 1/],
        ["truncated", JSON.stringify(plan({ changes: [bucket("aws_s3_bucket.b", {})] })).slice(0, 150), /ends before its JSON does \(truncated\?\)/],
        ["a state file", JSON.stringify({ version: 4, terraform_version: "1.9.8", serial: 3, lineage: "x", outputs: {}, resources: [] }), /a Terraform state file \(terraform\.tfstate\), not a plan/],
        ["the JSON of a state", JSON.stringify({ format_version: "1.0", terraform_version: "1.9.8", values: { root_module: {} } }), /the JSON of a state .* not of a plan/],
        ["a Pulumi stack export", JSON.stringify({ version: 3, deployment: { resources: [] } }), /a Pulumi stack export.*tagguard audit/],
        ["a binary plan", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00]), /a binary plan file, not its JSON/],
        ["an errored plan", JSON.stringify({ format_version: "1.2", errored: true, resource_changes: [] }), /the plan errored/],
        ["a newer format", JSON.stringify({ format_version: "2.0", resource_changes: [] }), /format_version 2\.0; tagguard reads format versions 0\.x and 1\.x/],
        ["a malformed change", JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: "create" } }] }), /resource_changes\[0\]\.change\.actions/],
        ["a list", "[]", /holds a JSON list/],
        ["empty", "", /empty file/],
    ])("bad input: %s (exit 2, one line)", (_name, content, message) => {
        const file = writePlan(dir, `bad-${counter++}.json`, content);
        const before = fs.readFileSync(file);
        const r = cli([file]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(message);
        expect(fs.readFileSync(file).equals(before)).toBe(true);
    });

    test("an invalid policy config exits 2 naming the problem; --out refuses an input", () => {
        const config = writePlan(dir, "config.json", { "required-tags": { services: ["s4"] } });
        const r = cli([untagged, "--policy-pack-config", config]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/required-tags: services\.0: "s4" is not a provider module tagguard knows \(did you mean "s3"\?\)/);
        // Settings under `all` are legal for the engine, which takes only the level from it: said, not dropped silently.
        const underAll = cli([untagged, "--policy-pack-config", writePlan(dir, "all.json", { all: { enforcementLevel: "mandatory", services: ["sqs"] } })]);
        expect(underAll.stdout).toMatch(/warning: "all": only its enforcementLevel applies to every policy; "services" ignored \(set it under each policy's name\)/);
        const copy = writePlan(dir, "copy.json", fs.readFileSync(untagged));
        const out = cli([copy, "--out", copy]);
        expect(out.code).toBe(2);
        expect(out.stderr).toMatch(/is one of the inputs/);
        expect(fs.readFileSync(copy).equals(fs.readFileSync(untagged))).toBe(true);
    });
});
