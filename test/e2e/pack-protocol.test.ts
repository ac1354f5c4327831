/**
 * The built pack under the engine's protocol: spawned as the Node language host spawns it, then
 * ConfigureStack, GetAnalyzerInfo, engine-style config validation, Configure, Remediate and Analyze per
 * resource, AnalyzeStack. Needs `npm run build:pack` (part of `npm test`).
 */
import * as fs from "fs";
import * as path from "path";
import type { AnalyzedResource, Diagnostic } from "../../cli/engine/analyzer-client";
import { parsePolicyPackConfig, PolicyConfigError } from "../../cli/engine/policy-config";
import { runPolicyPack, type PackRun } from "../../cli/engine/session";
import { FULL_TAGS, UNKNOWN, asgTags, awsProvider, secret } from "../fixtures";

const PACK_DIR = path.join(__dirname, "..", "..", "policies");
const EXAMPLE_CONFIG = path.join(__dirname, "..", "..", "examples", "policy-config.json");
const identity = { organization: "acme", project: "ml-platform", stack: "dev", dryRun: true, config: { "aws:region": "us-east-1" } };
const provider = { ...awsProvider(FULL_TAGS), urn: "urn:pulumi:dev::ml-platform::pulumi:providers:aws::default_7_48_0", name: "default_7_48_0" };
const bareProvider = { ...awsProvider(), urn: "urn:pulumi:dev::ml-platform::pulumi:providers:aws::bare", name: "bare" };

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<AnalyzedResource> = {}): AnalyzedResource {
    return { type, name, urn: `urn:pulumi:dev::ml-platform::${type}::${name}`, inputs, outputs: inputs, provider, ...extra };
}

const lt = resource("aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", { tagSpecifications: [{ resourceType: "instance", tags: FULL_TAGS }] }, { outputs: { id: "lt-1", tagSpecifications: [{ resourceType: "instance", tags: FULL_TAGS }] } });
const resources: AnalyzedResource[] = [
    resource("aws:s3/bucketV2:BucketV2", "features", {}),
    resource("aws:s3/bucketV2:BucketV2", "raw-data", { tags: { Team: "fraud" } }, { provider: bareProvider }),
    resource("aws:s3/bucketPolicy:BucketPolicy", "features-policy", { bucket: "features" }),
    lt,
    resource("aws:eks/nodeGroup:NodeGroup", "gpu-nodes", { launchTemplate: { id: UNKNOWN, version: "$Latest" } }, { propertyDependencies: { launchTemplate: [lt.urn] }, dependencies: [lt.urn] }),
    resource("aws:autoscaling/group:Group", "trainers", { tags: asgTags(FULL_TAGS) }),
    resource("aws:s3/bucketV2:BucketV2", "late", { tags: { ...FULL_TAGS, model_id: UNKNOWN } }),
    resource("aws:s3/bucketV2:BucketV2", "secret-project", { tags: { project: secret("Falcon Secret") } }),
];

/** Diagnostics about one resource: its Analyze result, and stack diagnostics naming its URN. */
const messagesFor = (run: PackRun, name: string, level?: string): Diagnostic[] =>
    [...run.resources.filter((r) => r.resource.name === name).flatMap((r) => r.result.diagnostics), ...run.stack.diagnostics.filter((d) => d.urn.endsWith(`::${name}`))]
        .filter((d) => !level || d.enforcementLevel === level);

describe("the pack under the engine protocol", () => {
    let run: PackRun;
    beforeAll(async () => {
        run = await runPolicyPack({ packDir: PACK_DIR, identity, resources, policyConfig: parsePolicyPackConfig(fs.readFileSync(EXAMPLE_CONFIG, "utf8"), EXAMPLE_CONFIG), policyConfigSource: EXAMPLE_CONFIG });
    });

    test("GetAnalyzerInfo describes every policy with its level and schema", () => {
        expect(run.info.name).toBe("tagguard");
        expect(run.info.version).toBe((JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string }).version);
        expect(run.info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
            ["required-tags", "mandatory"], ["tag-values", "mandatory"], ["aws-tag-limits", "mandatory"],
            ["cost-reaches-tagged-resource", "mandatory"], ["pod-labels", "mandatory"], ["attribution-coverage", "advisory"], ["fill-derivable-tags", "disabled"],
        ]);
        expect(Object.keys(run.info.policies[1].configSchema!.properties)).toEqual(expect.arrayContaining(["allowedValues", "patterns", "expiryHorizonDays", "exemptions"]));
    });

    test("config: top-level defaults filled, file values applied", () => {
        expect(run.config["required-tags"].properties.services).toEqual(["ec2", "ebs", "s3", "eks", "sagemaker", "msk", "kubernetes"]);
        expect(run.config["tag-values"].properties.allowedValues).toEqual(expect.objectContaining({ team: ["fraud", "recsys", "search", "platform"] }));
        expect(run.configWarnings).toEqual([]);
    });

    test("default tags from the provider (JSON text) satisfy the required set", () => {
        expect(messagesFor(run, "features")).toEqual([]);
    });

    test("an untagged bucket on a provider without defaults fails, with a near-miss hint", () => {
        expect(messagesFor(run, "raw-data", "mandatory").map((d) => [d.policyName, d.message])).toEqual([
            ["required-tags", expect.stringMatching(/^Missing required tags: `cost_center`, .*`team` \(looked at tags\)\. Found `Team` \(did you mean `team`\?\)/)],
        ]);
    });

    test("untaggable types are not applicable, not reported", () => {
        const policy = run.resources.find((r) => r.resource.name === "features-policy")!;
        expect(policy.result.diagnostics).toEqual([]);
        expect(policy.result.notApplicable.map((n) => n.policyName)).toEqual(expect.arrayContaining(["required-tags", "tag-values", "aws-tag-limits", "cost-reaches-tagged-resource"]));
    });

    test("the launch template is reported at Analyze, the node group in AnalyzeStack", () => {
        expect(messagesFor(run, "gpu-lt", "mandatory").map((d) => d.message)).toEqual([expect.stringMatching(/no tag specification for `volume`/)]);
        expect(run.stack.diagnostics.filter((d) => d.urn.endsWith("::gpu-nodes")).map((d) => [d.policyName, d.enforcementLevel, d.message])).toEqual([
            ["cost-reaches-tagged-resource", "mandatory", expect.stringMatching(/This node group launches from launch template `gpu-lt`/)],
        ]);
    });

    test("an unknown value is advisory, verified at update", () => {
        expect(messagesFor(run, "late").map((d) => [d.enforcementLevel, d.message])).toEqual([["advisory", expect.stringMatching(/Values of `model_id` are unknown during preview/)]]);
    });

    test("a secret tag value is never printed by the real pack", () => {
        const texts = [...run.resources.flatMap((r) => r.result.diagnostics), ...run.stack.diagnostics].map((d) => d.message).join("\n");
        expect(texts).not.toContain("Falcon");
        expect(messagesFor(run, "secret-project", "mandatory").map((d) => d.message)).toEqual([expect.stringMatching(/`project` \[secret\] must be a lower-case/)]);
    });

    test("the stack summary is one advisory", () => {
        const summary = run.stack.diagnostics.filter((d) => d.policyName === "attribution-coverage");
        expect(summary.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
        expect(summary[0].message).toMatch(/^Attribution coverage: 6 of 7 resources in scope are attributable \(85\.7%\)\.\nBy service: autoscaling 1\/1, ec2 1\/1, eks 1\/1, s3 3\/4/);
    });
});

describe("engine behaviours around config", () => {
    const one = [resource("aws:s3/bucketV2:BucketV2", "untagged", {}, { provider: bareProvider })];

    test("an invalid config stops the run before any resource is analyzed, naming what is wrong", async () => {
        const bad = parsePolicyPackConfig(JSON.stringify({ "tag-values": { allowedValues: "fraud" }, "required-tags": { exemptions: [{ reason: 5 }] } }), "bad.json");
        const attempt = runPolicyPack({ packDir: PACK_DIR, identity, resources: one, policyConfig: bad, policyConfigSource: "bad.json" });
        await expect(attempt).rejects.toBeInstanceOf(PolicyConfigError);
        await expect(attempt).rejects.toThrow(/invalid policy pack configuration in bad\.json:\n {2}- required-tags: exemptions\.0: needs at least one of `urn`, `name`, `type`\n {2}- required-tags: exemptions\.0: must have required property 'expires'[\s\S]*tag-values: allowedValues: must be object/);
    });

    test("a config file that is not JSON, or a bad level, is refused with the file named", () => {
        expect(() => parsePolicyPackConfig("{", "p.json")).toThrow(/invalid policy pack configuration in p\.json:\n {2}- the file ends before its JSON does/);
        expect(() => parsePolicyPackConfig('{"a": 1,, }', "p.json")).toThrow(/invalid policy pack configuration in p\.json:\n {2}- not valid JSON at line 1, column 9/);
        expect(() => parsePolicyPackConfig('{"required-tags": "strict"}', "p.json")).toThrow(/"required-tags": "strict" is not an enforcement level/);
    });

    test("`all` sets every level; a policy's own entry still wins; remediation runs before Analyze", async () => {
        const config = parsePolicyPackConfig(JSON.stringify({ all: "advisory", "fill-derivable-tags": { enforcementLevel: "remediate", environment: "development", createdBy: "automation" }, "no-such-policy": "mandatory" }));
        const result = await runPolicyPack({ packDir: PACK_DIR, identity, resources: one, policyConfig: config });
        expect(result.config["required-tags"].enforcementLevel).toBe("advisory");
        expect(result.configWarnings).toEqual([expect.stringMatching(/^"no-such-policy": no such policy in pack tagguard/)]);
        const [verdict] = result.resources;
        expect(verdict.remediations.map((r) => r.policyName)).toEqual(["fill-derivable-tags"]);
        expect(verdict.analyzedInputs.tags).toEqual({ managed_by: "pulumi", environment: "development", created_by: "automation" });
        const required = verdict.result.diagnostics.filter((d) => d.policyName === "required-tags");
        expect(required.map((d) => [d.enforcementLevel, d.message])).toEqual([["advisory", expect.stringMatching(/^Missing required tags: `cost_center`, `lifecycle_phase`, `model_id`, `project`, `team`/)]]);
    });

    test("the pack's run-time path never loads @pulumi/aws", () => {
        const bundle = fs.readFileSync(path.join(PACK_DIR, "dist", "index.js"), "utf8");
        expect(bundle).not.toMatch(/require\("@pulumi\/aws/);
        expect(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).dependencies).not.toHaveProperty("@pulumi/aws");
    });
});
