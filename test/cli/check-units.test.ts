import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MOCKED_DATA_SOURCES, answerDataSource } from "../../cli/check/aws-mocks";
import { answerAwsNativeInvoke, cidrSubnets } from "../../cli/check/aws-native-mocks";
import { SECRET_PLACEHOLDER, providerInput, readStackConfig } from "../../cli/check/config";
import { engineView } from "../../cli/check/engine-view";
import { chooseStack, readProject, splitNodeArgs } from "../../cli/check/project";
import { crashError, failureLine, runProgram } from "../../cli/check/run-program";
import { OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, analyzerProperties } from "../../cli/engine/wire";
import { UsageError } from "../../cli/input";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE } from "../../tagset/values";

const PROGRAMS = path.join(__dirname, "..", "fixtures", "programs");
const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

function tempProject(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const PKG = '{"name": "p", "main": "index.ts"}';

describe("AWS data-source mocks", () => {
    const ctx = { region: "eu-west-1" };
    test.each([
        ["aws:index/getCallerIdentity:getCallerIdentity", {}, { accountId: "123456789012" }],
        ["aws:index/getRegion:getRegion", {}, { name: "eu-west-1" }],
        ["aws:index/getPartition:getPartition", {}, { partition: "aws", dnsSuffix: "amazonaws.com" }],
        ["aws:index/getAvailabilityZones:getAvailabilityZones", {}, { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }],
        ["aws:ec2/getAmi:getAmi", { owners: ["amazon"] }, { id: expect.stringMatching(/^ami-[0-9a-f]{17}$/), architecture: "x86_64" }],
        ["aws:iam/getPolicyDocument:getPolicyDocument", { statements: [{ actions: ["s3:GetObject"], resources: ["*"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }] },
            { minifiedJson: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"],"Principal":{"Service":["ec2.amazonaws.com"]}}]}' }],
        ["aws:ec2/getVpc:getVpc", { default: true }, { id: expect.stringMatching(/^vpc-/), default: true }],
        ["aws:ec2/getSubnets:getSubnets", {}, { ids: [expect.stringMatching(/^subnet-/), expect.stringMatching(/^subnet-/), expect.stringMatching(/^subnet-/)] }],
        ["aws:ec2/getSubnet:getSubnet", { id: "subnet-1" }, { id: "subnet-1", availabilityZone: "eu-west-1a" }],
        ["aws:ssm/getParameter:getParameter", { name: "/aws/service/eks/optimized-ami/1.29/amazon-linux-2-gpu/recommended/image_id" }, { value: expect.stringMatching(/^ami-/) }],
        ["aws:organizations/getOrganization:getOrganization", {}, { masterAccountId: "123456789012", roots: [{ id: expect.stringMatching(/^r-[0-9a-f]{4}$/), name: "Root", policyTypes: expect.arrayContaining([{ status: "ENABLED", type: "TAG_POLICY" }]) }] }],
        ["aws:iam/getSessionContext:getSessionContext", { arn: "arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions" }, { issuerArn: "arn:aws:iam::123456789012:role/ci-deployer", issuerName: "ci-deployer", sessionName: "gh-actions" }],
        ["aws:iam/getRole:getRole", { name: "ops" }, { arn: "arn:aws:iam::123456789012:role/ops" }],
        ["aws:kms/getKey:getKey", { keyId: "alias/data" }, { arn: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//) }],
        ["aws:eks/getClusterAuth:getClusterAuth", { name: "ml" }, { name: "ml", token: expect.any(String) }],
        ["aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage", { repositoryName: "sagemaker-xgboost", imageTag: "1.7-1" }, { registryPath: "683313688378.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1" }],
        ["aws:route53/getZone:getZone", { name: "ml.example.com." }, { name: "ml.example.com", zoneId: expect.stringMatching(/^Z[0-9A-F]{13}$/), privateZone: false }],
        ["aws:acm/getCertificate:getCertificate", { domain: "*.ml.example.com" }, { domain: "*.ml.example.com", arn: expect.stringMatching(/^arn:aws:acm:eu-west-1:123456789012:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) }],
        ["aws:secretsmanager/getSecret:getSecret", { name: "prod/db" }, { name: "prod/db", arn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod\/db-[0-9a-f]{6}$/) }],
        ["aws:secretsmanager/getSecretVersion:getSecretVersion", { secretId: "prod/db" }, { secretString: "{}", versionStages: ["AWSCURRENT"] }],
        ["aws:ecr/getAuthorizationToken:getAuthorizationToken", {}, { userName: "AWS", password: "tagguard-mock", proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" }],
        ["aws:ecr/getRepository:getRepository", { name: "trainer" }, { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer" }],
        ["aws:iam/getPolicy:getPolicy", { arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }, { arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", name: "AmazonS3ReadOnlyAccess" }],
        ["aws:ec2/getSecurityGroup:getSecurityGroup", { name: "default", vpcId: "vpc-1" }, { id: expect.stringMatching(/^sg-/), name: "default", vpcId: "vpc-1" }],
        ["aws:eks/getCluster:getCluster", { name: "ml" }, { endpoint: expect.stringMatching(/^https:\/\//), identities: [{ oidcs: [{ issuer: expect.stringMatching(/^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\//) }] }], certificateAuthorities: [{ data: expect.any(String) }] }],
        ["aws:cloudfront/getCachePolicy:getCachePolicy", { name: "Managed-CachingOptimized" }, { name: "Managed-CachingOptimized", id: expect.stringMatching(/^[0-9a-f-]{36}$/) }],
        ["aws:elb/getServiceAccount:getServiceAccount", {}, { arn: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/) }],
        ["aws:kms/getAlias:getAlias", { name: "alias/data" }, { targetKeyArn: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//) }],
        ["aws:s3/getBucket:getBucket", { bucket: "models" }, { arn: "arn:aws:s3:::models", bucketRegionalDomainName: "models.s3.eu-west-1.amazonaws.com" }],
    ])("%s", (token, inputs, expected) => {
        expect(answerDataSource(token, inputs, ctx)).toMatchObject(expected);
        expect(answerDataSource(token, inputs, ctx)).toEqual(answerDataSource(token, inputs, ctx)); // stable
    });

    test.each(MOCKED_DATA_SOURCES)("%s answers only fields the installed @pulumi/aws declares for its result", (token) => {
        // aws:<module>/<function>:<function> -> @pulumi/aws/<module>/<function>.d.ts (`index` is the package root).
        const [, module, fn] = /^aws:([^/]+)\/([^:]+):/.exec(token)!;
        const typings = fs.readFileSync(require.resolve(`@pulumi/aws/${module === "index" ? "" : `${module}/`}${fn}.d.ts`), "utf8");
        const result = /export interface Get\w*Result \{([\s\S]*?)\n\}/.exec(typings)![1];
        const declared = new Set([...result.matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]));
        expect(Object.keys(answerDataSource(token, {}, ctx)!).filter((k) => !declared.has(k))).toEqual([]);
    });

    test("the table above covers every mock", () => expect(MOCKED_DATA_SOURCES).toHaveLength(29));

    // AWS's public parameters, as AWS returns them: what programs JSON.parse or pass as an AMI id.
    test.each([
        ["/aws/service/ecs/optimized-ami/amazon-linux-2/recommended", (v: string) => expect(JSON.parse(v)).toMatchObject({ image_id: expect.stringMatching(/^ami-[0-9a-f]{17}$/), ecs_agent_version: expect.any(String), os: "Amazon Linux 2" })],
        ["/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended", (v: string) => expect(JSON.parse(v).image_id).toMatch(/^ami-/)],
        ["/aws/service/eks/optimized-ami/1.30/amazon-linux-2023/x86_64/nvidia/recommended", (v: string) => expect(JSON.parse(v)).toMatchObject({ image_id: expect.stringMatching(/^ami-/), release_version: expect.stringMatching(/^1\.30\.0-\d{8}$/) })],
        ["/aws/service/eks/optimized-ami/1.30/amazon-linux-2023/x86_64/nvidia/recommended/release_version", (v: string) => expect(v).toMatch(/^1\.30\.0-\d{8}$/)],
        ["/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", (v: string) => expect(v).toMatch(/^ami-[0-9a-f]{17}$/)],
        ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", (v: string) => expect(v).toMatch(/^ami-/)],
        ["/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id", (v: string) => expect(v).toMatch(/^ami-/)],
        ["/ml/feature-store/endpoint", (v: string) => expect(v).toBe("tagguard-mock-value")],
    ])("ssm.getParameter %s", (name, check) => {
        const answer = answerDataSource("aws:ssm/getParameter:getParameter", { name }, ctx)!;
        check(answer.value as string);
        expect(answer.insecureValue).toBe(answer.value);
    });

    test("the image id inside `recommended` is the one its image_id leaf holds", () => {
        const value = (name: string) => answerDataSource("aws:ssm/getParameter:getParameter", { name }, ctx)!.value as string;
        const base = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended";
        expect(JSON.parse(value(base)).image_id).toBe(value(`${base}/image_id`));
    });
    test("an unmocked data source has no answer", () => expect(answerDataSource("aws:ec2/getInstanceTypeOffering:getInstanceTypeOffering", {}, ctx)).toBeUndefined());
});

describe("Cloud Control (aws-native) invoke mocks", () => {
    const ctx = { region: "eu-west-1" };
    test.each([
        ["aws-native:index:getAccountId", {}, { accountId: "123456789012" }],
        ["aws-native:index:getRegion", {}, { region: "eu-west-1" }],
        ["aws-native:index:getPartition", {}, { partition: "aws", dnsSuffix: "amazonaws.com" }],
        ["aws-native:index:getUrlSuffix", {}, { urlSuffix: "amazonaws.com" }],
        ["aws-native:index:getAzs", {}, { azs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }],
        ["aws-native:index:getAzs", { region: "us-west-2" }, { azs: ["us-west-2a", "us-west-2b", "us-west-2c"] }],
        ["aws-native:index:cidr", { ipBlock: "10.30.0.0/16", count: 3, cidrBits: 8 }, { subnets: ["10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24"] }],
        ["aws-native:sagemaker:getCluster", { clusterArn: "arn:aws:sagemaker:eu-west-1:123456789012:cluster/abc" }, { clusterArn: "arn:aws:sagemaker:eu-west-1:123456789012:cluster/abc", arn: "arn:aws:sagemaker:eu-west-1:123456789012:cluster/abc" }],
    ])("%s %j", (token, inputs, answer) => {
        expect(answerAwsNativeInvoke(token, inputs, ctx)).toEqual(answer);
    });

    test("SSM parameters as AWS's public parameters hold them; unknown tokens are not answered", () => {
        expect(answerAwsNativeInvoke("aws-native:index:getSsmParameterString", { name: "/aws/service/eks/optimized-ami/1.31/amazon-linux-2-gpu/recommended/image_id" }, ctx)?.value).toMatch(/^ami-[0-9a-f]{17}$/);
        expect(answerAwsNativeInvoke("aws-native:index:somethingNew", {}, ctx)).toBeUndefined();
        expect(answerAwsNativeInvoke("aws:index/getRegion:getRegion", {}, ctx)).toBeUndefined();
    });

    test("cidr: hostile input gives no subnets, never a throw; a block's host bits are masked as AWS masks them", () => {
        expect(cidrSubnets("10.30.7.9/16", 2, 8)).toEqual(["10.30.0.0/24", "10.30.1.0/24"]);
        for (const [block, count, bits] of [["10.0.0.0/24", 4, 12], ["not-a-block", 2, 8], ["10.0.0.0/16", -1, 8], ["10.0.0.0/16", 2, 2.5], [7, 2, 8], ["999.0.0.0/8", 1, 8]] as const) {
            expect(() => cidrSubnets(block, count, bits)).not.toThrow();
        }
        expect(cidrSubnets("10.0.0.0/24", 4, 12)).toEqual([]);
        expect(cidrSubnets("10.0.0.0/30", 10, 1)).toEqual(["10.0.0.0/31", "10.0.0.2/31"]);
        expect(cidrSubnets("10.0.0.0/16", 1e9, 8)).toHaveLength(256);
    });
});

describe("the project, read as the Pulumi CLI reads Pulumi.yaml", () => {
    test("defaults: the project directory, entry point `.`, TypeScript on, package.json main", () => {
        const dir = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "package.json": PKG, "index.ts": "" });
        expect(readProject(dir)).toMatchObject({ name: "p", dir, programDir: dir, entryPoint: ".", entry: path.join(dir, "index.ts"), runtime: { typescript: true, nodeargs: [] }, stackConfigDir: dir });
    });

    test("main as a directory, and a package.json main inside it", () => {
        const dir = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: app/\n", "app/package.json": '{"main": "src/program.js"}', "app/src/program.js": "" });
        expect(readProject(dir)).toMatchObject({ programDir: path.join(dir, "app"), entryPoint: ".", entry: path.join(dir, "app", "src", "program.js") });
    });

    test("main as a file: its directory is the working directory and its name the entry point (getPwdMain)", () => {
        const dir = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: src/infra.ts\n", "src/infra.ts": "" });
        expect(readProject(dir)).toMatchObject({ programDir: path.join(dir, "src"), entryPoint: "infra.ts", entry: path.join(dir, "src", "infra.ts") });
    });

    test("package.json main naming a missing index.js falls back to index.ts, as Node with ts-node does", () => {
        expect(readProject(path.join(PROGRAMS, "main-fallback")).entry).toBe(path.join(PROGRAMS, "main-fallback", "index.ts"));
    });

    test("runtime options and stackConfigDir", () => {
        const project = readProject(path.join(PROGRAMS, "runtime-options"));
        expect(project.runtime).toEqual({ typescript: true, tsconfig: "tsconfig.pulumi.json", nodeargs: ["--max-old-space-size=1024", "--no-deprecation"] });
        expect(project.stackConfigDir).toBe(path.join(PROGRAMS, "runtime-options", "stacks"));
        expect(chooseStack(project)).toEqual({ name: "staging", file: path.join(PROGRAMS, "runtime-options", "stacks", "Pulumi.staging.yaml") });
    });

    test.each([
        ['--max-old-space-size=4096 --require "./my hooks.js"', ["--max-old-space-size=4096", "--require", "./my hooks.js"]],
        ["--inspect  'a b'  c\\ d", ["--inspect", "a b", "c d"]],
        ["", []],
    ])("nodeargs %j split as a shell would", (text, words) => expect(splitNodeArgs(text)).toEqual(words));

    test.each([
        [{ "index.ts": "" }, /no Pulumi\.yaml here/],
        [{ "Pulumi.yaml": "runtime: nodejs\n" }, /Pulumi\.yaml: `name` is required/],
        [{ "Pulumi.yaml": "name: my project\nruntime: nodejs\n" }, /name "my project" may only contain/],
        [{ "Pulumi.yaml": "name: p\nruntime: python\n" }, /runtime "python" is not supported; .*the policy pack itself judges programs in any language: `pulumi preview --policy-pack node_modules\/tagguard\/policies`/],
        [{ "Pulumi.yaml": "name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: \"yes\"\n" }, /runtime\.options\.typescript must be a boolean/],
        [{ "Pulumi.yaml": "name: p\nruntime:\n  name: nodejs\n  options:\n    nodeargs: \"--x 'unclosed\"\n" }, /nodeargs: unclosed ' quote/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: nowhere/\n" }, /main "nowhere\/" does not exist/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: /etc\n" }, /must be a relative path/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: ../\n" }, /must be a subfolder/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig: [1]\n" }, /`config` must be a map \(or, deprecated, the stack config folder\)/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\n" }, /no program found/],
        [{ "Pulumi.yaml": "name: [p\n" }, /Pulumi\.yaml:\d+:\d+: not valid YAML/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "package.json": '{"main": "index.ts",', "index.ts": "" }, /package\.json: the file ends before its JSON does/],
        [{ "Pulumi.yaml": "- a list\n" }, /must be a YAML map/],
    ])("a bad project is one error naming the file %#", (files, message) => {
        const dir = tempProject(files);
        expect(() => readProject(dir)).toThrow(UsageError);
        expect(() => readProject(dir)).toThrow(message);
    });

    test("a file given as the project directory", () => {
        expect(() => readProject(path.join(PROGRAMS, "javascript", "index.js"))).toThrow(/not a directory/);
    });
});

describe("the stack", () => {
    const project = () => readProject(tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "package.json": PKG, "index.ts": "", "Pulumi.dev.yaml": "config: {}\n", "Pulumi.prod.yaml": "config: {}\n" }));

    test("a named stack whose file does not exist is an error naming the file", () => {
        expect(() => chooseStack(project(), "staging")).toThrow(/--stack "staging": .*Pulumi\.staging\.yaml does not exist/);
    });
    test("several stack files and none chosen", () => expect(() => chooseStack(project())).toThrow(/several stacks \(dev, prod\); choose one with --stack/));
    test("org/stack and org/project/stack", () => {
        expect(chooseStack(project(), "acme/prod")).toMatchObject({ name: "prod", organization: "acme" });
        expect(chooseStack(project(), "acme/p/dev")).toMatchObject({ name: "dev", organization: "acme" });
        expect(() => chooseStack(project(), "acme/other/dev")).toThrow(/names project "other"/);
        expect(() => chooseStack(project(), "a//b")).toThrow(/expected a stack name/);
    });
    test("no stack file at all: dev, without config", () => {
        const p = readProject(tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "package.json": PKG, "index.ts": "" }));
        expect(chooseStack(p)).toEqual({ name: "dev" });
    });
});

describe("config, merged as the CLI merges it", () => {
    const read = (files: Record<string, string>, stack = "dev", overrides: string[] = [], env: NodeJS.ProcessEnv = {}) => {
        const project = readProject(tempProject({ "package.json": PKG, "index.ts": "", ...files }));
        return readStackConfig({ project, stack: chooseStack(project, files[`Pulumi.${stack}.yaml`] ? stack : undefined), overrides, env });
    };

    test("engine form: namespaced keys, strings, objects as JSON, secure values secret", () => {
        const c = read({
            "Pulumi.yaml": "name: p\nruntime: nodejs\n",
            "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  aws:defaultTags:\n    tags:\n      team: fraud\n  count: 3\n  p:password:\n    secure: v1:abc\n",
        });
        expect(c.config).toEqual({ "aws:region": "us-east-1", "aws:defaultTags": '{"tags":{"team":"fraud"}}', "p:count": "3", "p:password": SECRET_PLACEHOLDER });
        expect(c.secretKeys).toEqual(["p:password"]);
        expect(c.undecrypted).toEqual(["p:password"]);
        expect(providerInput(c.entries.get("p:password")!)).toEqual(secret(UNKNOWN_VALUE));
    });

    test("project config: namespaced values, typed defaults, stack values win, -c wins over the stack", () => {
        const project = readProject(path.join(PROGRAMS, "project-config"));
        const c = readStackConfig({ project, stack: chooseStack(project, "ci"), overrides: ["replicas=3"] });
        expect(c.config).toMatchObject({ "aws:region": "eu-central-1", "project-config:modelId": "fraud-xgb-v3", "project-config:replicas": "3", "project-config:phase": "training" });
        expect(JSON.parse(c.config["aws:defaultTags"])).toEqual({ tags: expect.objectContaining({ team: "fraud", managed_by: "pulumi" }) });
    });

    test.each([
        ["a required project key missing from the stack", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  size:\n    type: string\n" }, [], /Stack 'dev' is missing configuration value 'size'/],
        ["a stack value of the wrong type", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  n:\n    type: integer\n", "Pulumi.dev.yaml": "config:\n  p:n: three\n" }, [], /'n' must be of type 'integer'/],
        ["a secret key given in plain text", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  token:\n    type: string\n    secret: true\n", "Pulumi.dev.yaml": "config:\n  p:token: plain\n" }, [], /'token' must be encrypted as it's secret/],
        ["an object literal without `value:`", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  aws:defaultTags:\n    tags:\n      team: fraud\n" }, [], /unknown field "tags" .*give an object value as `value:`/],
        ["a -c without =", { "Pulumi.yaml": "name: p\nruntime: nodejs\n" }, ["region"], /--config "region": expected key=value/],
        ["an empty key", { "Pulumi.yaml": "name: p\nruntime: nodejs\n" }, ["=x"], /expected key=value/],
        ["a stack file that is not a map", { "Pulumi.yaml": "name: p\nruntime: nodejs\n", "Pulumi.dev.yaml": "- 1\n" }, [], /Pulumi\.dev\.yaml: must be a YAML map/],
        ["a non-string secure value", { "Pulumi.yaml": "name: p\nruntime: nodejs\n", "Pulumi.dev.yaml": "config:\n  p:x:\n    secure: 3\n" }, [], /`secure` must be a string/],
        // The CLI's project schema: string, integer, boolean, list, or a declaration; lists of type array say what their items are.
        ["a number that is not an integer", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  ratio: 0.5\n" }, [], /config\."ratio": 0\.5 is not an integer; .*quote it/],
        ["a declaration of type array without items", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  zones:\n    type: array\n    default: [a]\n" }, [], /config\."zones": a declaration of type array needs `items`/],
        ["a stack value that is not a list for a list declaration", { "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  zones:\n    type: array\n    items:\n      type: string\n", "Pulumi.dev.yaml": "config:\n  p:zones: eu-central-1a\n" }, [], /'zones' must be of type 'array'/],
    ])("%s is an error", (_name, files, overrides, message) => {
        expect(() => read(files as Record<string, string>, "dev", overrides as string[])).toThrow(message);
    });

    test("project config values the CLI's schema takes: lists (as JSON, as the program reads them), integers, booleans, typed lists, declarations without a type", () => {
        const c = read({
            "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  availabilityZones: [eu-central-1a, eu-central-1b]\n  replicas: 2\n  spot: true\n" +
                "  instanceTypes:\n    type: array\n    items:\n      type: string\n    default: [g5.xlarge, g5.2xlarge]\n  owner:\n    description: who runs it\n    default: ml-platform\n" +
                "  aws:defaultTags:\n    value:\n      tags:\n        team: fraud\n",
        });
        expect(c.config).toMatchObject({
            "p:availabilityZones": '["eu-central-1a","eu-central-1b"]', "p:replicas": "2", "p:spot": "true",
            "p:instanceTypes": '["g5.xlarge","g5.2xlarge"]', "p:owner": "ml-platform", "aws:defaultTags": '{"tags":{"team":"fraud"}}',
        });
    });

    test("a stack value overrides a project-level list; a typed list given in the stack is checked", () => {
        const c = read({
            "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig:\n  availabilityZones: [eu-central-1a]\n  zones:\n    type: array\n    items:\n      type: string\n",
            "Pulumi.dev.yaml": "config:\n  p:availabilityZones:\n    - us-east-1a\n    - us-east-1b\n  p:zones:\n    - us-east-1c\n",
        });
        expect(JSON.parse(c.config["p:availabilityZones"])).toEqual(["us-east-1a", "us-east-1b"]);
        expect(JSON.parse(c.config["p:zones"])).toEqual(["us-east-1c"]);
    });

    test("`config: <folder>` is the deprecated spelling of stackConfigDir; both at once is the CLI's error", () => {
        const dir = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig: stacks\n", "package.json": PKG, "index.ts": "", "stacks/Pulumi.prod.yaml": "config:\n  p:x: '1'\n" });
        const project = readProject(dir);
        expect(project.stackConfigDir).toBe(path.join(dir, "stacks"));
        expect(project.config).toEqual({});
        expect(readStackConfig({ project, stack: chooseStack(project) }).config).toEqual({ "p:x": "1" });
        const both = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\nconfig: stacks\nstackConfigDir: other\n", "package.json": PKG, "index.ts": "" });
        expect(() => readProject(both)).toThrow(/Should not use both config and stackConfigDir/);
    });

    test("`__proto__` is an ordinary key", () => {
        const c = read({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "Pulumi.dev.yaml": "config:\n  __proto__: x\n  p:constructor: y\n" });
        expect(c.config["p:__proto__"]).toBe("x");
        expect(c.config["p:constructor"]).toBe("y");
        expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    describe("nested secure values (pulumi config set --secret --path)", () => {
        const project = readProject(path.join(PROGRAMS, "nested-secure"));
        const stack = chooseStack(project, "dev");
        const passphraseFile = path.join(PROGRAMS, "nested-secure", "PASSPHRASE");

        test("without the passphrase: the whole key is secret, the program gets placeholders, providers get unknowns", () => {
            const c = readStackConfig({ project, stack, env: {} });
            expect(c.secretKeys).toEqual(["aws:defaultTags", "nested-secure:apiToken"]);
            expect(c.undecrypted).toEqual(["aws:defaultTags", "nested-secure:apiToken"]);
            expect(JSON.parse(c.config["aws:defaultTags"]).tags.team).toBe(SECRET_PLACEHOLDER);
            expect(JSON.stringify(c.config)).not.toMatch(/v1:/); // ciphertext never reaches the program
            expect(providerInput(c.entries.get("aws:defaultTags")!)).toEqual(secret({ tags: expect.objectContaining({ team: UNKNOWN_VALUE, cost_center: "cc-1042" }) }));
        });

        test("with PULUMI_CONFIG_PASSPHRASE(_FILE): decrypted, still secret", () => {
            const c = readStackConfig({ project, stack, env: { PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile } });
            expect(c.undecrypted).toEqual([]);
            expect(JSON.parse(c.config["aws:defaultTags"]).tags.team).toBe("fraud");
            expect(c.config["nested-secure:apiToken"]).toBe("S3CR3T-token-value");
            expect(c.secretKeys).toEqual(["aws:defaultTags", "nested-secure:apiToken"]);
            expect(providerInput(c.entries.get("aws:defaultTags")!)).toEqual(secret(expect.stringContaining('"team":"fraud"')));
        });

        test("a wrong passphrase is an error, not garbage", () => {
            expect(() => readStackConfig({ project, stack, env: { PULUMI_CONFIG_PASSPHRASE: "wrong" } })).toThrow(/incorrect passphrase/);
        });

        test("the decrypter agrees with an independent AES-256-GCM encryption", () => {
            const text = fs.readFileSync(path.join(PROGRAMS, "nested-secure", "Pulumi.dev.yaml"), "utf8");
            const salt = /encryptionsalt: v1:([^:]+):/.exec(text)![1];
            const key = crypto.pbkdf2Sync(fs.readFileSync(passphraseFile, "utf8").trim(), Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
            const [, nonce, data] = /team:\n\s+secure: (v1):([^:]+):(\S+)/.exec(text)!.slice(1);
            const bytes = Buffer.from(data, "base64");
            const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
            d.setAuthTag(bytes.subarray(-16));
            expect(Buffer.concat([d.update(bytes.subarray(0, -16)), d.final()]).toString()).toBe("fraud");
        });
    });
});

describe("analyzer marshalling: what the engine sends a pack (MarshalPropertyValue without KeepResources/KeepOutputValues)", () => {
    const ref = (urn: string, id?: unknown) => ({ [SECRET_SIG_KEY]: RESOURCE_REFERENCE_SIG, urn, ...(id === undefined ? {} : { id }), packageVersion: "7.48.0" });
    const output = (fields: Record<string, unknown>) => ({ [SECRET_SIG_KEY]: OUTPUT_VALUE_SIG, ...fields });
    const asset = { [SECRET_SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17", path: "./app.zip" };
    test.each([
        ["a custom resource reference with a known ID becomes the ID", ref("urn:pulumi:s::p::aws:iam/role:Role::r", "r-123"), "r-123"],
        ["one whose ID is unknown at preview stays unknown", ref("urn:pulumi:s::p::aws:iam/role:Role::r", UNKNOWN_VALUE), UNKNOWN_VALUE],
        ["a component reference (no ID) becomes its URN", ref("urn:pulumi:s::p::acme:ml:Pipeline::f"), "urn:pulumi:s::p::acme:ml:Pipeline::f"],
        ["a known output value becomes its value", output({ value: "x", dependencies: ["urn:a"] }), "x"],
        ["an unknown output value becomes unknown", output({ dependencies: ["urn:a"] }), UNKNOWN_VALUE],
        ["a secret output value becomes a secret", output({ value: "x", secret: true }), secret("x")],
        ["references inside secrets and lists", secret([ref("urn:x", "i-1"), { nested: ref("urn:y") }]), secret(["i-1", { nested: "urn:y" }])],
        ["assets are kept whole", asset, asset],
        ["plain values are unchanged", { a: [1, true, null, "s"] }, { a: [1, true, null, "s"] }],
    ])("%s", (_name, value, expected) => {
        expect(analyzerProperties({ v: value }, { skipInternalKeys: true })).toEqual({ v: expected });
    });

    test("internal keys (`__...`) are skipped for Analyze, kept for Remediate", () => {
        const props = { __defaults: [], tags: { __hidden: "x", team: "a" } };
        expect(analyzerProperties(props, { skipInternalKeys: true })).toEqual({ tags: { team: "a" } });
        expect(analyzerProperties(props, { skipInternalKeys: false })).toEqual(props);
    });
});

describe("failure lines", () => {
    const root = "/work/app";
    test.each([
        ["an unhandled exception, with the program's frame", "Running program '/work/app/index.ts' failed with an unhandled exception:\nError: quota service unreachable\n    at lookupQuota (/work/app/index.ts:5:11)\n    at Object.<anonymous> (/work/app/index.ts:7:1)", { where: "index.ts:5:11", cause: "the program failed: quota service unreachable" }],
        ["frames in node_modules are skipped", "Running program 'x' failed with an unhandled exception:\nTypeError: bad\n    at f (/work/app/node_modules/lib/a.js:1:1)\n    at g (/work/app/src/b.ts:2:3)", { where: "src/b.ts:2:3", cause: "the program failed: TypeError: bad" }],
        ["a RunError is its message", "Missing required configuration variable 'p:owner'\n\tplease set a value using the command `pulumi config set p:owner <value>`", { cause: "the program failed: Missing required configuration variable 'p:owner' (set it in the stack's Pulumi.<stack>.yaml, or give it with `-c p:owner=VALUE`)" }],
        ["a package not installed says how to install it", "Running program 'x' failed with an unhandled exception:\nError: Cannot find module '@pulumi/eks'\nRequire stack:\n- /work/app/index.ts\n    at Object.<anonymous> (/work/app/index.ts:1:1)", { where: "index.ts:1:1", cause: "the program failed: Cannot find module '@pulumi/eks' (run `npm install` in the program's folder first, as for `pulumi preview`)" }],
        ["an ES module's missing package too", "Running program 'x' failed with an unhandled exception:\nError [ERR_MODULE_NOT_FOUND]: Cannot find package 'lodash' imported from /work/app/index.mjs", { cause: "the program failed: Cannot find package 'lodash' imported from /work/app/index.mjs (run `npm install` in the program's folder first, as for `pulumi preview`)" }],
        ["a missing file of the program is only named", "Running program 'x' failed with an unhandled exception:\nError: Cannot find module './missing'\n    at Object.<anonymous> (/work/app/index.ts:1:1)", { where: "index.ts:1:1", cause: "the program failed: Cannot find module './missing'" }],
        ["a compile error is its first diagnostic", "Running program 'x' failed with an unhandled exception:\nTSError: ⨯ Unable to compile TypeScript:\nindex.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'.\n", { cause: "the program does not compile: index.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'." }],
        ["the SDK's colours are dropped", "Running program 'x' failed with an unhandled exception:\n\u001b[39mError: boom\u001b[0m\n    at /work/app/index.ts:1:2", { where: "index.ts:1:2", cause: "the program failed: boom" }],
        [
            "TypeScript in an ES module package without ts-node says what to install",
            "Running program 'x' failed with an unhandled exception:\nTypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension \".ts\" for /work/app/src/index.ts\n    at Object.getFileProtocolModuleFormat [as file:] (node:internal/modules/esm/get_format:218:9)",
            { cause: "the program failed: TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension \".ts\" for /work/app/src/index.ts (a TypeScript program in a package of `\"type\": \"module\"` needs ts-node in its dependencies, `npm install --save-dev ts-node`, as for `pulumi preview`)" },
        ],
    ])("%s", (_name, logged, expected) => expect(failureLine(logged, root)).toEqual(expected));

    test.each([
        [
            "a loader in nodeargs that is not installed (Node.js dies before the SDK logs anything)",
            "node:internal/modules/esm/resolve:854\n  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);\n        ^\n\nError [ERR_MODULE_NOT_FOUND]: Cannot find package '@acme/otel-register' imported from /work/app/\n    at packageResolve (node:internal/modules/esm/resolve:854:9)\n  code: 'ERR_MODULE_NOT_FOUND'\n}\n\nNode.js v20.20.2\n",
            "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@acme/otel-register' imported from /work/app/",
        ],
        ["a syntax error in an ES module", "file:///work/app/index.mjs:3\nnew aws.s3.Bucket(\"x\", {\n                        ^\n\nSyntaxError: Unexpected end of input\n    at compileSourceTextModule (node:internal/modules/esm/utils:340:16)\n\nNode.js v20.20.2", "SyntaxError: Unexpected end of input"],
        ["the fatal error, not one the program logged before it", "Error: retrying the quota service\nfile:///work/app/index.mjs:9\n\nReferenceError: quota is not defined\n    at file:///work/app/index.mjs:9:1\n\nNode.js v20.20.2", "ReferenceError: quota is not defined"],
        ["nothing that names an error", "Killed\n", undefined],
    ])("%s", (_name, output, first) => expect(crashError(output)?.split("\n")[0]).toBe(first));
});

test("data sources as public programs use them (a JSON secret, an ECR login, an EKS OIDC issuer, a zone, a certificate) give values the program can work with", async () => {
    const project = readProject(path.join(PROGRAMS, "data-source-idioms"));
    const { recorded } = await runProgram({ project, stack: readStackConfig({ project, stack: chooseStack(project) }), organization: "acme" });
    expect(recorded.unmockedCalls).toEqual([]);
    expect(recorded.resources.find((r) => r.name === "features")!.inputs.tags).toMatchObject({
        registry_user: "AWS", oidc_host: "oidc.eks.us-east-1.amazonaws.com", zone: expect.stringMatching(/^z[0-9a-f]{13}$/), cert: "us-east-1",
    });
});

describe("the program run by the SDK's own runner, and what the engine would send", () => {
    const project = readProject(path.join(PROGRAMS, "configured"));
    const stack = readStackConfig({ project, stack: chooseStack(project, "dev") });
    let recorded: Awaited<ReturnType<typeof runProgram>>["recorded"];
    beforeAll(async () => {
        ({ recorded } = await runProgram({ project, stack, organization: "acme" }));
    });
    const find = (name: string) => recorded.resources.find((r) => r.name === name)!;

    test("data-source answers and stack config reach the program", () => {
        const tags = find("from-data-sources").inputs.tags as Record<string, string>;
        expect(tags).toMatchObject({ account: "123456789012", region: "eu-west-1", partition: "aws", zone: "eu-west-1a", subnets: "3", subnet: "eu-west-1a", unmocked: "none" });
        expect(find("on-default-provider").inputs.tags).toEqual({ lifecycle_phase: "training", owner: "jane.doe" });
        expect(recorded.unmockedCalls).toEqual([{ token: "aws:ec2/getInstanceTypeOffering:getInstanceTypeOffering", count: 1 }]);
    });

    test("a secret config value stays secret on the wire", () => {
        expect((find("secret-tag").inputs.tags as Record<string, unknown>).note).toEqual(secret(SECRET_PLACEHOLDER));
    });

    test("preview semantics: creates answer with their inputs, computed outputs unknown", () => {
        const vpc = find("from-data-sources");
        expect(vpc.outputs.id).toBeUndefined();
        expect(vpc.outputs.cidrBlock).toBe("10.0.0.0/16");
    });

    test("each registration carries where the program built it", () => {
        expect(find("on-default-provider").stack?.[0]).toEqual({ file: "index.ts", line: 8, column: 1 });
        // A resource built inside a component class: its own line first, then the line that built the component.
        expect(find("features-bucket").stack).toEqual([{ file: "index.ts", line: 19, column: 9 }, { file: "index.ts", line: 23, column: 1 }]);
    });

    test("providers: the default one from stack config, explicit ones by reference; tagsAll as Check computes it", () => {
        const view = engineView(recorded, project, stack);
        const byName = (name: string) => view.analyzed.find((r) => r.name === name)!;
        const onDefault = byName("on-default-provider");
        expect(onDefault.provider).toEqual({
            type: "pulumi:providers:aws",
            name: "default_7_48_0",
            urn: "urn:pulumi:dev::configured::pulumi:providers:aws::default_7_48_0",
            props: { region: "eu-west-1", defaultTags: expect.stringMatching(/^\{"tags":\{"team":"fraud",/), version: "7.48.0" },
        });
        expect(onDefault.inputs.tagsAll).toMatchObject({ team: "fraud", lifecycle_phase: "training", owner: "jane.doe" });
        const onWest = byName("features-bucket");
        expect(onWest.provider).toMatchObject({ type: "pulumi:providers:aws", name: "west" });
        expect(typeof onWest.provider!.props.defaultTags).toBe("string"); // serialized by the SDK, as the engine sends it
        expect(onWest.inputs.tagsAll).toEqual(expect.objectContaining({ team: "recsys", lifecycle_phase: "monitoring" }));
        expect(onWest.inputs.tagsAll).not.toHaveProperty("owner"); // removed by the provider's ignoreTags
        expect(byName("secret-tag").inputs.tagsAll).toMatchObject({ note: secret(SECRET_PLACEHOLDER) });
        // The VPC's tags depend on data-source outputs known at preview here, so its tagsAll is known too.
        expect(byName("from-data-sources").inputs.tagsAll).not.toBe(UNKNOWN_VALUE);
        expect(byName("features").provider).toBeUndefined(); // a component has no provider
    });
});
