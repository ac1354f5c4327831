/**
 * `tagguard check` end to end: the real command spawned on real programs, its exit code and output.
 * Needs `npm run build` (part of `npm test`).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { readStackConfig } from "../../cli/check/config";
import { engineView } from "../../cli/check/engine-view";
import { chooseStack, readProject } from "../../cli/check/project";
import type { CheckReport } from "../../cli/check/report";
import { runProgram } from "../../cli/check/run-program";
import { UNKNOWN_VALUE } from "../../tagset/values";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const GOLDEN = path.join(ROOT, "test", "golden", "legacy-untagged.violations.json");
/** The pack reports the version of its own package.json, which the release keeps equal to tagguard's. */
const PACK_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8")) as { version: string }).version;

function tagguard(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TAGGUARD_TODAY: "2026-11-28", ...env }, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = (args: string[]) => {
    const r = tagguard([...args, "--format", "json"]);
    return { ...r, report: JSON.parse(r.stdout) as CheckReport };
};

describe("tagguard check", () => {
    test("the legacy platform fails, and the golden file pins every violation", () => {
        const { code, report } = json(["check", "examples/legacy-untagged"]);
        expect(code).toBe(1);
        // Order is the order registrations reach the engine, which the SDK's scheduling decides: compare as a set.
        const key = (v: { type: string; name: string; policy: string }) => `${v.type} ${v.name} ${v.policy}`;
        const violations = report.violations.map((v) => ({ policy: v.policy, level: v.enforcementLevel, type: v.type, name: v.name, message: v.message.replace(/\n {2}.*(?=\n|$)/g, "") }))
            .sort((a, b) => key(a).localeCompare(key(b)));
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, `${JSON.stringify(violations, null, 2)}\n`);
        expect(violations).toEqual(JSON.parse(fs.readFileSync(GOLDEN, "utf8")));
        expect(report.summary).toEqual({ resources: 28, read: 0, inScope: 18, attributable: 0, unchecked: 0, violations: { mandatory: 24, advisory: 1 } });
    });

    test("the main example (root Pulumi.yaml, built with the components) passes", () => {
        const { code, report } = json(["check"]);
        expect(code).toBe(0);
        expect(report.project).toBe("fraud-platform");
        expect(report.summary).toEqual({ resources: 60, read: 0, inScope: 25, attributable: 25, unchecked: 0, violations: { mandatory: 0, advisory: 1 } });
        expect(report.resources[0]).toEqual({ urn: "urn:pulumi:dev::fraud-platform::pulumi:pulumi:Stack::fraud-platform-dev", type: "pulumi:pulumi:Stack", name: "fraud-platform-dev", parent: null });
        const component = report.resources.find((r) => r.type === "tagguard:ml:GpuNodeGroup")!;
        expect(report.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")).toEqual({
            urn: expect.stringMatching(/tagguard:ml:GpuNodeGroup\$aws:eks\/nodeGroup:NodeGroup::fraud-training$/), type: "aws:eks/nodeGroup:NodeGroup", name: "fraud-training", parent: component.urn,
        });
    });

    test("the same platform with plain @pulumi/aws and provider default tags passes", () => {
        const { code, report } = json(["check", "examples/tagged-platform"]);
        expect(code).toBe(0);
        expect(report.summary).toEqual({ resources: 25, read: 0, inScope: 16, attributable: 16, unchecked: 0, violations: { mandatory: 0, advisory: 1 } });
    });

    test("text output groups diagnostics by resource, then the attribution summary", () => {
        const { code, stdout } = tagguard(["check", "examples/legacy-untagged"]);
        expect(code).toBe(1);
        const lines = stdout.split("\n");
        expect(lines.slice(0, 4)).toEqual([
            "Policies:",
            `    ❌ tagguard@v${PACK_VERSION} (local: policies)`,
            "        - [mandatory]  required-tags  (aws:ec2/vpc:Vpc: ml-vpc) at examples/legacy-untagged/index.ts:22",
            expect.stringMatching(/^ {10}Missing required tags: `cost_center`/),
        ]);
        expect(stdout).toMatch(/\n {8}- \[advisory\] {2}attribution-coverage {2}\(pulumi:pulumi:Stack: fraud-platform-legacy-dev\)\n {10}Attribution coverage: 0 of 18/);
        expect(lines.slice(-3)).toEqual([
            "Attribution: 0 of 18 resources in scope carry the full tag set (0.0%); 28 resources registered.",
            "Violations: 24 mandatory, 1 advisory. A `pulumi preview --policy-pack` would fail.",
            "",
        ]);
    });

    test("SARIF output is valid SARIF 2.1.0", () => {
        const { code, stdout } = tagguard(["check", "examples/legacy-untagged", "--format", "sarif"]);
        expect(code).toBe(1);
        // The official schema's patterns are not all valid as Unicode regular expressions.
        const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
        addFormats(ajv);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const validate = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
        const log = JSON.parse(stdout);
        expect(validate.errors ?? (validate(log) ? [] : validate.errors)).toEqual([]);
        expect(log.runs[0].results).toHaveLength(25);
        expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["required-tags", "tag-values", "aws-tag-limits", "cost-reaches-tagged-resource", "pod-labels", "attribution-coverage", "fill-derivable-tags"]);
        expect(log.runs[0].results[0]).toMatchObject({ ruleId: "required-tags", level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "examples/legacy-untagged/index.ts" } }, logicalLocations: [{ kind: "resource", name: "ml-vpc" }] }] });
    });

    test("GitHub annotations, one per violation at its line, capped as GitHub caps them", () => {
        const { code, stdout } = tagguard(["check", "examples/legacy-untagged", "--format", "github"]);
        expect(code).toBe(1);
        const lines = stdout.trim().split("\n");
        expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
        expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(1);
        expect(lines[0]).toMatch(/^::error file=examples\/legacy-untagged\/index\.ts,line=22,col=13,title=tagguard required-tags%3A aws%3Aec2\/vpc%3AVpc ml-vpc::urn:pulumi:dev::fraud-platform-legacy::[^%]*%0AMissing required tags/);
        expect(lines[lines.length - 2]).toMatch(/^::notice title=tagguard attribution::0 of 18 resources in scope are attributable/);
        expect(lines[lines.length - 1]).toMatch(/^::notice title=tagguard%3A more findings::14 more errors and 0 more warnings/);
    });

    test("stack config, secrets, explicit providers, components and data sources", () => {
        const { code, report } = json(["check", path.join(PROGRAMS, "configured"), "--stack", "dev"]);
        expect(code).toBe(0);
        expect(report.stack).toBe("dev");
        expect(report.summary).toEqual({ resources: 7, read: 0, inScope: 4, attributable: 4, unchecked: 0, violations: { mandatory: 0, advisory: 2 } });
        // A JSON policy document from the data-source mock as a tag value: EC2 accepts any characters, so it is advice only.
        expect(report.violations.filter((v) => v.policy === "aws-tag-limits").map((v) => [v.enforcementLevel, v.name, v.message])).toEqual([
            ["advisory", "from-data-sources", expect.stringMatching(/`doc`: value contains "\{".* outside AWS's cross-service guidance .*EC2 accepts it/)],
        ]);
        expect(report.warnings).toEqual([
            "data source aws:ec2/getInstanceTypeOffering:getInstanceTypeOffering has no tagguard mock (called 1 time): it answered empty",
            expect.stringMatching(/^config configured:dbPassword holds encrypted values tagguard cannot decrypt/),
        ]);
        // Registration order is the order the program's registrations reach the engine, not source order.
        expect(report.resources.map((r) => [r.type, r.name, r.parent && r.parent.split("::").pop()]).sort()).toEqual([
            ["pulumi:pulumi:Stack", "configured-dev", null],
            ["aws:s3/bucket:Bucket", "on-default-provider", "configured-dev"],
            ["pulumi:providers:aws", "west", "configured-dev"],
            ["tagguard:test:Pipeline", "features", "configured-dev"],
            ["aws:s3/bucket:Bucket", "features-bucket", "features"],
            ["aws:s3/bucket:Bucket", "secret-tag", "configured-dev"],
            ["aws:ec2/vpc:Vpc", "from-data-sources", "configured-dev"],
        ].sort());
        expect(JSON.stringify(report)).not.toContain("bm90LWEtcmVhbC1zZWNyZXQ");
    });

    test("another stack's config reaches the program", () => {
        const { report } = json(["check", path.join(PROGRAMS, "configured"), "--stack", "prod"]);
        // prod has no aws:defaultTags: only the explicit provider's bucket is attributable.
        expect(report.summary).toMatchObject({ inScope: 4, attributable: 1 });
    });

    test("a JavaScript program", () => {
        const { code, report } = json(["check", path.join(PROGRAMS, "javascript")]);
        expect(code).toBe(1);
        expect(report.violations.filter((v) => v.policy === "cost-reaches-tagged-resource").map((v) => v.message)).toEqual([expect.stringMatching(/no tag specification for `volume`/)]);
    });

    test("a program that throws: exit 2, naming the file and line", () => {
        const { code, stdout, stderr } = tagguard(["check", path.join(PROGRAMS, "throws")]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toMatch(/^tagguard: test\/fixtures\/programs\/throws\/index\.ts:6:\d+: the program failed: DATABASE_URL is not configured\n$/);
    });

    test("TypeScript is transpiled by default and type-checked with --type-check, as the Pulumi CLI does", () => {
        const dir = path.join(PROGRAMS, "type-error");
        expect(tagguard(["check", dir, "--format", "json"]).code).toBe(1); // runs: the bucket is untagged
        const checked = tagguard(["check", dir, "--type-check"]);
        expect(checked.code).toBe(2);
        expect(checked.stderr).toBe("tagguard: test/fixtures/programs/type-error: the program does not compile: index.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'.\n");
    });

    test("a directory without Pulumi.yaml: exit 2", () => {
        const { code, stderr } = tagguard(["check", "cli"]);
        expect(code).toBe(2);
        expect(stderr).toMatch(/^tagguard: .*\/cli: no Pulumi\.yaml here/);
    });

    test("a bad --policy-pack-config: exit 2 before any resource is analyzed", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-test-"));
        const file = path.join(dir, "bad.json");
        fs.writeFileSync(file, JSON.stringify({ "tag-values": { allowedValues: { team: "fraud" } } }));
        const { code, stdout, stderr } = tagguard(["check", "--policy-pack-config", file]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe(`tagguard: invalid policy pack configuration in ${file}:\n  - tag-values: allowedValues.team: Invalid input: expected array, received string\n`);
        expect(tagguard(["check", "--policy-pack-config", path.join(dir, "missing.json")]).stderr).toMatch(/^tagguard: .*missing\.json: no such file\n$/);
    });

    test("usage errors: exit 2", () => {
        expect(tagguard(["check", "--format", "xml"]).code).toBe(2);
        expect(tagguard(["frobnicate"]).code).toBe(2);
    });

    test("nothing leaves the machine: every connection of every process stays on loopback", () => {
        const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-net-")), "net.log");
        fs.writeFileSync(log, "");
        const r = tagguard(["check", "examples/legacy-untagged", "--format", "json"], {
            NODE_OPTIONS: `--require ${path.join(ROOT, "test", "harness", "network-recorder.js")}`,
            TAGGUARD_NET_LOG: log,
        });
        expect(r.code).toBe(1);
        const events = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" "));
        // The CLI, the program's process and the pack's process (run-policy-pack's index.js) were all watched.
        expect(events.filter(([, kind]) => kind === "start").map(([, , script]) => script).sort()).toEqual(["cli/bin/tagguard.js", "cmd/run-policy-pack/index.js", "cmd/run/index.js"]);
        const tcp = events.filter(([, kind]) => kind === "tcp").map(([, , target]) => target);
        expect(tcp.length).toBeGreaterThan(0); // the gRPC calls to the pack were seen
        const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;
        for (const target of tcp) expect(target.replace(/:\d+$/, "")).toMatch(loopback);
        for (const [, , host] of events.filter(([, kind]) => kind === "dns")) expect(host).toMatch(loopback);
    });
});

const names = (report: CheckReport): string[] => report.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`).sort();
const mandatory = (report: CheckReport): string[] => report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy} ${v.name}`).sort();

describe("programs written the ways real programs are, run as the Node language host runs them", () => {
    interface Case {
        fixture: string;
        args?: string[];
        env?: NodeJS.ProcessEnv;
        code: number;
        resources?: string[];
        mandatory?: string[];
        warnings?: RegExp[];
        stderr?: RegExp;
        verify?: (report: CheckReport) => void;
    }
    const cases: Case[] = [
        {
            fixture: "resource-references",
            code: 1,
            resources: ["acme:ml:Pipeline features", "aws:ec2/instance:Instance trainer", "aws:iam/instanceProfile:InstanceProfile trainer-profile", "aws:iam/role:Role trainer-role", "aws:s3/bucket:Bucket features-data"],
            mandatory: ["cost-reaches-tagged-resource trainer", "required-tags features-data", "required-tags trainer"],
        },
        { fixture: "data-source-idioms", code: 0, resources: ["aws:s3/bucket:Bucket features"], warnings: [] },
        { fixture: "esm-top-level-await", code: 1, resources: ["aws:s3/bucket:Bucket esm-data"], mandatory: ["required-tags esm-data"] },
        { fixture: "esm-javascript", code: 1, resources: ["aws:ebs/volume:Volume scratch"], mandatory: ["required-tags scratch"] },
        {
            fixture: "main-fallback", code: 1, resources: ["aws:s3/bucket:Bucket fallback-bucket"],
            warnings: [/^the program: Could not find entry point 'index\.js' specified in package\.json; using '.*main-fallback' instead$/],
        },
        { fixture: "exported-function", code: 1, resources: ["aws:ec2/instance:Instance server"], mandatory: ["cost-reaches-tagged-resource server", "required-tags server"] },
        {
            fixture: "project-config", args: ["-c", "replicas=3"], code: 0,
            resources: ["aws:s3/bucket:Bucket shard-0", "aws:s3/bucket:Bucket shard-1", "aws:s3/bucket:Bucket shard-2"],
            verify: (r) => expect(r.summary).toMatchObject({ inScope: 3, attributable: 3 }), // default tags from Pulumi.yaml's project config
        },
        { fixture: "project-config", args: ["--stack", "dev"], code: 2, stderr: /^tagguard: --stack "dev": .*project-config\/Pulumi\.dev\.yaml does not exist\n$/ },
        {
            fixture: "remote-component", code: 1, resources: ["aws:ec2/securityGroup:SecurityGroup training", "awsx:ec2:Vpc ml-vpc"], mandatory: ["required-tags training"],
            verify: (r) => {
                expect(r.notCheckedOffline).toEqual([{ urn: "urn:pulumi:dev::remote-component::awsx:ec2:Vpc::ml-vpc", type: "awsx:ec2:Vpc", name: "ml-vpc", location: { file: "index.ts", line: 14, column: 13 } }]);
                expect(r.summary.unchecked).toBe(1);
                expect(r.summary.inScope).toBe(1); // never counted as attributable
            },
        },
        {
            // Resources read with `X.get` (the default VPC as awsx classic reads it, another team's bucket) are listed, never judged:
            // the engine analyzes neither a read step nor, in AnalyzeStack, a resource without a goal. Zones are a list in Pulumi.yaml.
            fixture: "existing-resources", code: 0,
            resources: ["aws:ec2/subnet:Subnet training-eu-central-1a", "aws:ec2/subnet:Subnet training-eu-central-1b", "aws:ec2/vpc:Vpc default-vpc", "aws:s3/bucket:Bucket central-logs"],
            verify: (r) => {
                expect(r.resources.filter((x) => x.read).map((x) => x.name)).toEqual(["default-vpc", "central-logs"]);
                expect(r.summary).toMatchObject({ resources: 3, read: 2, inScope: 2, attributable: 2 });
                expect(r.violations.filter((v) => v.urn.endsWith("default-vpc") || v.urn.endsWith("central-logs"))).toEqual([]);
            },
        },
        {
            // Kubernetes programs as public ones are written; test/plan/equivalence.test.ts checks its Terraform twin.
            fixture: "kubernetes-twin", code: 1,
            resources: ["kubernetes:apps/v1:Deployment metrics", "kubernetes:apps/v1:Deployment scoring", "kubernetes:apps/v1:StatefulSet feature_store", "kubernetes:batch/v1:CronJob nightly", "kubernetes:batch/v1:Job train", "kubernetes:helm.sh/v3:Release gpu_operator", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu_class"],
            mandatory: ["cost-reaches-tagged-resource gpu_class", "pod-labels feature_store", "pod-labels scoring"],
            verify: (r) => {
                const scoring = r.violations.find((v) => v.name === "scoring")!;
                expect(scoring.message).toMatch(/`team` is on the Deployment's own `metadata\.labels`, which never reach its pods/);
                expect(scoring.location).toEqual({ file: "index.ts", line: 13, column: 1 });
                expect(r.violations.find((v) => v.name === "feature_store")!.message).toMatch(/`created_by` "jane\.doe@example\.com" is an e-mail address/);
                expect(r.violations.filter((v) => v.name === "metrics")).toEqual([]); // kube-system
            },
        },
        {
            // yaml.ConfigFile (v1) is decoded offline, as the provider would; charts and yaml/v2 are rendered by the provider.
            fixture: "kubernetes-manifests", code: 1,
            resources: ["kubernetes:apps/v1:Deployment ml/embeddings", "kubernetes:batch/v1:Job ml/backfill", "kubernetes:helm.sh/v3:Chart dcgm-exporter", "kubernetes:helm.sh/v4:Chart karpenter", "kubernetes:yaml/v2:ConfigGroup monitoring", "kubernetes:yaml:ConfigFile exported"],
            mandatory: ["pod-labels ml/embeddings"], warnings: [],
            verify: (r) => {
                expect(r.notCheckedOffline.map((c) => [c.type, c.reason])).toEqual(expect.arrayContaining([
                    ["kubernetes:helm.sh/v3:Chart", "rendered by the Kubernetes provider's `helm template`, which does not run offline"],
                    ["kubernetes:helm.sh/v4:Chart", undefined], ["kubernetes:yaml/v2:ConfigGroup", undefined],
                ]));
                expect(r.summary).toMatchObject({ inScope: 2, attributable: 1, unchecked: 3 });
            },
        },
        {
            // Both AWS providers in one program; the aws-native invokes public programs call are answered (no warning).
            fixture: "cloud-control-twin", code: 1, warnings: [],
            resources: [
                "aws-native:autoscaling:AutoScalingGroup workers", "aws-native:ec2:Instance trainer", "aws-native:ec2:LaunchTemplate workers", "aws-native:eks:Nodegroup gpu",
                "aws-native:s3:Bucket bad_phase", "aws-native:s3:Bucket tagged", "aws-native:s3:Bucket untagged", "aws-native:sagemaker:Cluster pretrain", "aws:s3/bucket:Bucket classic", "pulumi:providers:aws-native research",
            ],
            mandatory: ["cost-reaches-tagged-resource gpu", "cost-reaches-tagged-resource pretrain", "cost-reaches-tagged-resource trainer", "cost-reaches-tagged-resource workers", "required-tags pretrain", "required-tags untagged", "tag-values bad_phase"],
            verify: (r) => {
                expect(r.violations.find((v) => v.name === "pretrain" && v.policy === "required-tags")!.message).toMatch(/^Missing required tags: `team` \(looked at tags and provider defaultTags\)\. It uses provider `research`/);
                expect(r.violations.find((v) => v.name === "untagged")!.message).toMatch(/The default aws-native provider's default tags \(stack config `aws-native:defaultTags`\) do not set them\./);
            },
        },
        { fixture: "late-registration", code: 1, resources: ["aws:s3/bucket:Bucket registered-first", "aws:s3/bucket:Bucket registered-later"] },
        { fixture: "unhandled-rejection", code: 2, stderr: /^tagguard: test\/fixtures\/programs\/unhandled-rejection\/index\.ts:5:11: the program failed: quota service unreachable\n$/ },
        {
            fixture: "unmocked-data-source", code: 2,
            stderr: /^tagguard: test\/fixtures\/programs\/unmocked-data-source\/index\.ts:6:\d+: the program failed: TypeError: .*\[data source aws:ec2\/getInstanceTypeOffering:getInstanceTypeOffering has no tagguard mock and answered empty: probably the cause\]\n$/,
        },
        // Node.js dies before the SDK can log anything: its own error is the cause, not "exited with code 1 (Node.js v20...)".
        {
            fixture: "missing-loader", code: 2,
            stderr: /^tagguard: test\/fixtures\/programs\/missing-loader: the program failed: Cannot find package '@acme\/otel-register' imported from \S+missing-loader\/ \(run `npm install` in the program's folder first, as for `pulumi preview`\)\n$/,
        },
        { fixture: "input-throws", code: 2, stderr: /^tagguard: test\/fixtures\/programs\/input-throws\/index\.ts:5:11: the program failed: error serializing property "tags": no cost center on record for fraud\n$/ },
        {
            fixture: "late-registration", args: ["--policy-pack", path.join(ROOT, "test", "fixtures", "packs", "throwing")], code: 2,
            stderr: /^tagguard: policy pack throwing@v0\.0\.1: Analyze of aws:s3\/bucket:Bucket registered-(first|later) failed: Error validating resource with policy 'explodes' from policy pack 'throwing@v0\.0\.1': Error: boom in policy\n$/,
        },
        {
            fixture: "late-registration", args: ["--policy-pack", path.join(ROOT, "test", "fixtures", "packs", "dying")], code: 2,
            stderr: /^tagguard: policy pack dying@v0\.0\.1: Analyze of .* failed: the pack stopped answering \(its process exited: code 3\)\n$/,
        },
        // A pack that cannot start, or refuses its config, ends the run at once: the program is stopped, not waited for
        // (the old behaviour waited out --timeout, which the 120 s spawn limit of these tests would have cut short).
        {
            fixture: "never-ends", args: ["--policy-pack", path.join(ROOT, "test", "fixtures", "packs", "unloadable"), "--timeout", "600"], code: 2,
            stderr: /^tagguard: policy pack \/.*\/test\/fixtures\/packs\/unloadable: exited \(code \d+\) before it started serving: Error: Cannot find module '@acme\/policy-helpers-not-installed'\n$/,
        },
        { fixture: "never-ends", args: ["--timeout", "4"], code: 2, stderr: /^tagguard: test\/fixtures\/programs\/never-ends: the program did not finish within 4 s \(--timeout\); 2 resources were registered before it was stopped\n$/ },
        {
            fixture: "nested-secure", code: 0,
            warnings: [/^config aws:defaultTags holds encrypted values tagguard cannot decrypt/, /^config nested-secure:apiToken holds encrypted values/],
            verify: (r) => expect(r.violations.filter((v) => v.policy === "required-tags").map((v) => v.message)).toEqual([expect.stringMatching(/Values of `team` are unknown/)]),
        },
        {
            fixture: "nested-secure", env: { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(PROGRAMS, "nested-secure", "PASSPHRASE") }, code: 0,
            verify: (r) => {
                expect(r.warnings).toEqual([]);
                expect(r.summary).toMatchObject({ inScope: 1, attributable: 1 });
                expect(r.violations.find((v) => v.policy === "attribution-coverage")!.message).toMatch(/By team: \[secret\] 1\/1/);
            },
        },
    ];

    test.each(cases.map((c) => [`${c.fixture} ${(c.args ?? []).join(" ")}${c.env ? " (passphrase)" : ""}`, c] as const))("%s", (_name, c) => {
        const r = tagguard(["check", path.join(PROGRAMS, c.fixture), "--format", "json", ...(c.args ?? [])], c.env);
        expect({ code: r.code, stderr: c.stderr ? r.stderr : "" }).toEqual({ code: c.code, stderr: c.stderr ? expect.stringMatching(c.stderr) : "" });
        if (c.code === 2) {
            expect(r.stdout).toBe("");
            expect(r.stderr.trim().split("\n")).toHaveLength(1);
            return;
        }
        const report = JSON.parse(r.stdout) as CheckReport;
        if (c.resources) expect(names(report)).toEqual(c.resources);
        if (c.mandatory) expect(mandatory(report)).toEqual(c.mandatory);
        if (c.warnings) expect(report.warnings).toEqual(c.warnings.map((w) => expect.stringMatching(w)));
        c.verify?.(report);
        expect(r.stdout).not.toMatch(/S3CR3T|v1:[A-Za-z0-9+/=]{12,}:[A-Za-z0-9+/=]{8,}/); // no secret and no ciphertext (v1:<nonce>:<data>), ever; `apps/v1:Deployment::` is a type token
    });

    test("every format says which remote components were not checked, and --fail-on-unchecked makes them fail the run", () => {
        const dir = path.join(PROGRAMS, "remote-component");
        const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-test-")), "advisory.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const text = tagguard(["check", dir, "--policy-pack-config", config]);
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(/\nNot checked offline \(1 component: their resources are built by a provider plugin during a real preview; .*pulumi preview --policy-pack.*\):\n {4}awsx:ec2:Vpc ml-vpc at test\/fixtures\/programs\/remote-component\/index\.ts:14\n/);
        expect(tagguard(["check", dir, "--policy-pack-config", config, "--fail-on-unchecked"]).code).toBe(1);
        const github = tagguard(["check", dir, "--policy-pack-config", config, "--format", "github"]).stdout;
        expect(github).toMatch(/^::warning file=test\/fixtures\/programs\/remote-component\/index\.ts,line=14,col=13,title=tagguard not-checked-offline%3A awsx%3Aec2%3AVpc ml-vpc::urn/m);
        const sarif = JSON.parse(tagguard(["check", dir, "--policy-pack-config", config, "--format", "sarif"]).stdout);
        expect(sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "not-checked-offline")).toEqual([expect.objectContaining({
            level: "warning", locations: [expect.objectContaining({ physicalLocation: { artifactLocation: { uri: "test/fixtures/programs/remote-component/index.ts", uriBaseId: "%SRCROOT%" }, region: { startLine: 14, startColumn: 13 } } })],
        })]);
    });

    test("a config the pack refuses (checked against the pack's own schema) stops a program that never ends, at once", () => {
        const r = tagguard(["check", path.join(PROGRAMS, "never-ends"), "--policy-pack-config", path.join(PROGRAMS, "never-ends", "wrong-policy-config.json"), "--timeout", "600"]);
        expect(r).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(/^tagguard: invalid policy pack configuration in .*wrong-policy-config\.json:\n {2}- required-tags: \(top level\): Unrecognized key: "requiredTags"\n$/) });
    });

    test("SIGINT stops the program's and the pack's processes, and tagguard exits 130", async () => {
        const marker = `tagguard-sigint-${process.pid}-${Date.now()}`;
        const child = spawn(process.execPath, [BIN, "check", path.join(PROGRAMS, "never-ends")], { cwd: ROOT, env: { ...process.env, TAGGUARD_TEST_MARKER: marker }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const marked = (): number[] => fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== child.pid).filter((p) => {
            try {
                return fs.readFileSync(`/proc/${p}/environ`, "utf8").includes(`TAGGUARD_TEST_MARKER=${marker}`);
            } catch {
                return false;
            }
        }).map(Number);
        // Wait until the program and the pack are both running; on a loaded CI machine (two cores shared with
        // the other jest worker) starting both has taken over 10 s, so only the test's own timeout bounds this.
        const until = async (done: () => boolean, ms: number): Promise<void> => {
            for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
        };
        try {
            await until(() => marked().length >= 2 || child.exitCode !== null, 90_000);
            if (marked().length < 2) throw new Error(`${marked().length} of the program's and the pack's processes running (tagguard exit code ${child.exitCode}); its stderr:\n${stderr}`);
            child.kill("SIGINT");
            const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
            expect(code).toBe(130);
            expect(stderr).toMatch(/tagguard: stopped by SIGINT/);
            await until(() => marked().length === 0, 10_000);
            expect(marked()).toEqual([]);
        } finally {
            // A failed run must not leave a never-ending program behind to hold jest open.
            if (child.exitCode === null) child.kill("SIGKILL");
            for (const pid of marked()) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        }
    });

    describe("what the engine view hands the pack", () => {
        const run = async (fixture: string, overrides: string[] = []) => {
            const project = readProject(path.join(PROGRAMS, fixture));
            const stack = readStackConfig({ project, stack: chooseStack(project), overrides });
            const { recorded } = await runProgram({ project, stack, organization: "acme" });
            return engineView(recorded, project, stack);
        };

        test("resource references are downgraded as the engine downgrades them: a custom resource to its ID, a component to its URN", async () => {
            const view = await run("resource-references");
            const byName = (n: string) => view.analyzed.find((r) => r.name === n)!;
            expect(byName("trainer").inputs.iamInstanceProfile).toBe(UNKNOWN_VALUE); // the profile's ID is not known at preview
            expect((byName("features-data").inputs.tags as Record<string, unknown>).pipeline).toBe("urn:pulumi:dev::resource-references::acme:ml:Pipeline::features");
            expect(byName("trainer-profile").inputs.role).toBe(UNKNOWN_VALUE);
        });

        test("the aws-native provider's Check: its default tags merged into a Cloud Control type's tags (resource values win, list in key order), as the pack receives them", async () => {
            const view = await run("cloud-control-twin");
            const byName = (type: string, n: string) => view.analyzed.find((r) => r.type === type && r.name === n)!;
            const tagged = byName("aws-native:s3:Bucket", "tagged");
            expect(tagged.inputs.tags).toEqual([
                { key: "model_id", value: "fraud-xgb-v3" }, { key: "lifecycle_phase", value: "training" },
                ...["cost_center", "created_by", "environment", "managed_by", "project", "team"].map((key) => ({ key, value: { cost_center: "cc-1042", created_by: "terraform-ci", environment: "production", managed_by: "pulumi", project: "fraud-detection", team: "fraud" }[key] })),
            ]);
            expect(tagged.provider).toMatchObject({ type: "pulumi:providers:aws-native", name: "default_1_79_0" });
            expect(byName("aws-native:eks:Nodegroup", "gpu").inputs.tags).toEqual({ team: "fraud", cost_center: "cc-1042", project: "fraud-detection", environment: "production", created_by: "terraform-ci", managed_by: "pulumi", model_id: "fraud-xgb-v3", lifecycle_phase: "training" });
            // An explicit provider's own defaults; an autoscaling group never receives them; no `tagsAll` on Cloud Control types.
            expect((byName("aws-native:sagemaker:Cluster", "pretrain").inputs.tags as { key: string }[]).map((t) => t.key)).not.toContain("team");
            expect(byName("aws-native:autoscaling:AutoScalingGroup", "workers").inputs.tags).toHaveLength(8);
            expect(view.analyzed.filter((r) => r.type.startsWith("aws-native:") && "tagsAll" in r.inputs)).toEqual([]);
            expect(byName("aws:s3/bucket:Bucket", "classic").inputs.tagsAll).toMatchObject({ team: "fraud", model_id: "fraud-xgb-v3" });
        });

        test("runtime options (nodeargs), stackConfigDir and -c reach the program", async () => {
            const view = await run("runtime-options", ["aws:region=ap-south-1"]);
            expect(view.analyzed.find((r) => r.name === "options")!.inputs.tags).toEqual({ heap: "1024", region: "ap-south-1" });
        });
    });
});
