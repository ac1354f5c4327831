/**
 * `tagguard check` end to end: the real command spawned on real programs, its exit code and output.
 * Needs `npm run build` (part of `npm test`).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { CheckReport } from "../../cli/check/report";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const GOLDEN = path.join(ROOT, "test", "golden", "legacy-untagged.violations.json");

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
        const violations = report.violations.map((v) => ({ policy: v.policy, level: v.enforcementLevel, type: v.type, name: v.name, message: v.message }));
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, `${JSON.stringify(violations, null, 2)}\n`);
        expect(violations).toEqual(JSON.parse(fs.readFileSync(GOLDEN, "utf8")));
        expect(report.summary).toEqual({ resources: 25, inScope: 16, attributable: 0, violations: { mandatory: 21, advisory: 1 } });
    });

    test("the main example (root Pulumi.yaml, built with the components) passes", () => {
        const { code, report } = json(["check"]);
        expect(code).toBe(0);
        expect(report.project).toBe("fraud-platform");
        expect(report.summary).toEqual({ resources: 50, inScope: 21, attributable: 21, violations: { mandatory: 0, advisory: 1 } });
        expect(report.resources[0]).toEqual({ urn: "urn:pulumi:dev::fraud-platform::pulumi:pulumi:Stack::fraud-platform-dev", type: "pulumi:pulumi:Stack", name: "fraud-platform-dev", parent: null });
        const component = report.resources.find((r) => r.type === "tagguard:ml:GpuNodeGroup")!;
        expect(report.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")).toEqual({
            urn: expect.stringMatching(/tagguard:ml:GpuNodeGroup\$aws:eks\/nodeGroup:NodeGroup::fraud-training$/), type: "aws:eks/nodeGroup:NodeGroup", name: "fraud-training", parent: component.urn,
        });
    });

    test("the same platform with plain @pulumi/aws and provider default tags passes", () => {
        const { code, report } = json(["check", "examples/tagged-platform"]);
        expect(code).toBe(0);
        expect(report.summary).toEqual({ resources: 25, inScope: 16, attributable: 16, violations: { mandatory: 0, advisory: 1 } });
    });

    test("text output groups diagnostics by resource, then the attribution summary", () => {
        const { code, stdout } = tagguard(["check", "examples/legacy-untagged"]);
        expect(code).toBe(1);
        const lines = stdout.split("\n");
        expect(lines.slice(0, 4)).toEqual([
            "Policies:",
            "    ❌ tagguard@v0.1.0 (local: policies)",
            "        - [mandatory]  required-tags  (aws:ec2/vpc:Vpc: ml-vpc)",
            expect.stringMatching(/^ {10}Missing required tags: `cost_center`/),
        ]);
        expect(stdout).toMatch(/\n {8}- \[advisory\] {2}attribution-coverage {2}\(pulumi:pulumi:Stack: fraud-platform-legacy-dev\)\n {10}Attribution coverage: 0 of 16/);
        expect(lines.slice(-3)).toEqual([
            "Attribution: 0 of 16 resources in scope carry the full tag set (0.0%); 25 resources registered.",
            "Violations: 21 mandatory, 1 advisory. A `pulumi preview --policy-pack` would fail.",
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
        expect(log.runs[0].results).toHaveLength(22);
        expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["required-tags", "tag-values", "aws-tag-limits", "cost-reaches-tagged-resource", "attribution-coverage", "fill-derivable-tags"]);
        expect(log.runs[0].results[0]).toMatchObject({ ruleId: "required-tags", level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "examples/legacy-untagged/index.ts" } }, logicalLocations: [{ kind: "resource", name: "ml-vpc" }] }] });
    });

    test("GitHub annotations, one per violation", () => {
        const { code, stdout } = tagguard(["check", "examples/legacy-untagged", "--format", "github"]);
        expect(code).toBe(1);
        const lines = stdout.trim().split("\n");
        expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(21);
        expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(1);
        expect(lines[0]).toMatch(/^::error file=examples\/legacy-untagged\/index\.ts,title=tagguard required-tags%3A aws%3Aec2\/vpc%3AVpc ml-vpc::urn:pulumi:dev::fraud-platform-legacy::[^%]*%0AMissing required tags/);
        expect(lines[lines.length - 1]).toMatch(/^::notice title=tagguard attribution::0 of 16 resources in scope are attributable/);
    });

    test("stack config, secrets, explicit providers, components and data sources", () => {
        const { code, report } = json(["check", path.join(PROGRAMS, "configured"), "--stack", "dev"]);
        expect(code).toBe(1);
        expect(report.stack).toBe("dev");
        expect(report.summary).toEqual({ resources: 7, inScope: 4, attributable: 4, violations: { mandatory: 1, advisory: 1 } });
        // The one violation is a true one: a JSON policy document from the data-source mock is not a valid tag value.
        expect(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => [v.policy, v.name, v.message])).toEqual([
            ["aws-tag-limits", "from-data-sources", expect.stringMatching(/`doc`: value contains "\{"/)],
        ]);
        expect(report.warnings).toEqual(["data source aws:route53/getZone:getZone has no tagguard mock (called 1 time): it answered empty"]);
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
        expect(checked.stderr).toMatch(/type-error\/index\.ts: the program failed: .*Unable to compile TypeScript:\nindex\.ts\(4,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
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
        expect(stderr).toBe(`tagguard: invalid policy pack configuration in ${file}:\n  - tag-values: allowedValues.team: must be array\n`);
        expect(tagguard(["check", "--policy-pack-config", path.join(dir, "missing.json")]).stderr).toMatch(/invalid policy pack configuration in .*missing\.json:\n  - the file does not exist/);
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
        expect(events.filter(([, kind]) => kind === "start").map(([, , script]) => script).sort()).toEqual(["index.js", "program-child.js", "tagguard.js"]);
        const tcp = events.filter(([, kind]) => kind === "tcp").map(([, , target]) => target);
        expect(tcp.length).toBeGreaterThan(0); // the gRPC calls to the pack were seen
        const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;
        for (const target of tcp) expect(target.replace(/:\d+$/, "")).toMatch(loopback);
        for (const [, , host] of events.filter(([, kind]) => kind === "dns")) expect(host).toMatch(loopback);
    });
});
