/**
 * `tagguard check` installed in a team's own project, run with that project's own SDK and compiler:
 * an @pulumi/pulumi eleven months older than tagguard's, and TypeScript 6 without a tsconfig.json.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import type { CheckReport } from "../../cli/check/report";
import { createConsumer, removeConsumer } from "../harness/consumer";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

// The program runs under the SDK and compiler of this project, not tagguard's.
const sdk: string = require("@pulumi/pulumi/package.json").version;
const compiler: string = require("typescript").version;
if (sdk !== process.env.EXPECTED_SDK || compiler !== process.env.EXPECTED_TS) throw new Error(\`ran with @pulumi/pulumi \${sdk} and TypeScript \${compiler}\`);

const role = new aws.iam.Role("trainer", { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) });
new aws.iam.InstanceProfile("trainer", { role });
new aws.s3.Bucket("models", { tags: { team: "fraud" } });
export const stack = pulumi.getStack();
`;

const files = (name: string) => ({
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n`,
    "package.json": JSON.stringify({ name, main: "index.ts", dependencies: { "@pulumi/pulumi": "*", "@pulumi/aws": "*", tagguard: "*" } }, null, 2),
    "index.ts": PROGRAM,
});

const CONSUMERS: { name: string; sdk: string; ts: string; packages: Record<string, string> }[] = [
    { name: "older-sdk", sdk: "3.213.0", ts: "5.9.3", packages: { "@pulumi/pulumi": "pulumi-sdk-3.213", "@pulumi/aws": "@pulumi/aws" } },
    { name: "typescript-6-no-tsconfig", sdk: "3.276.0", ts: "6.0.3", packages: { "@pulumi/pulumi": "@pulumi/pulumi", "@pulumi/aws": "@pulumi/aws", typescript: "typescript-6" } },
];

describe.each(CONSUMERS)("a consumer project: $name", ({ name, sdk, ts, packages }) => {
    let dir: string;
    beforeAll(() => {
        dir = createConsumer({ name, packages, files: files(name) });
    }, 120_000);
    afterAll(() => removeConsumer(dir));

    test(`npx tagguard check runs the program with @pulumi/pulumi ${sdk} and TypeScript ${ts}, and the pack judges it`, () => {
        const r = spawnSync(process.execPath, [path.join(dir, "node_modules", ".bin", "tagguard"), "check", ".", "--format", "json"], {
            cwd: dir, encoding: "utf8", env: { ...process.env, EXPECTED_SDK: sdk, EXPECTED_TS: ts }, timeout: 120_000,
        });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(1);
        const report = JSON.parse(r.stdout) as CheckReport;
        expect(report.resources.map((x) => `${x.type} ${x.name}`).sort()).toEqual([
            `pulumi:pulumi:Stack ${name}-dev`, "aws:iam/instanceProfile:InstanceProfile trainer", "aws:iam/role:Role trainer", "aws:s3/bucket:Bucket models",
        ].sort());
        expect(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy} ${v.name}`)).toEqual(["required-tags models"]);
        expect(report.policyPack.path).toBe(path.join(dir, "node_modules", "tagguard", "policies"));
    });
});
