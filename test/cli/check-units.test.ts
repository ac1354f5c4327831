import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MOCKED_DATA_SOURCES, answerDataSource } from "../../cli/check/aws-mocks";
import { engineView } from "../../cli/check/engine-view";
import { SECRET_PLACEHOLDER, chooseStack, readProject, readStackConfig, UsageError } from "../../cli/check/project";
import { runProgram } from "../../cli/check/run-program";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE } from "../../tagset/values";

const PROGRAMS = path.join(__dirname, "..", "fixtures", "programs");

function tempProject(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

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
        ["aws:iam/getRole:getRole", { name: "ops" }, { arn: "arn:aws:iam::123456789012:role/ops" }],
        ["aws:kms/getKey:getKey", { keyId: "alias/data" }, { arn: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//) }],
        ["aws:eks/getClusterAuth:getClusterAuth", { name: "ml" }, { name: "ml", token: expect.any(String) }],
        ["aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage", { repositoryName: "sagemaker-xgboost", imageTag: "1.7-1" }, { registryPath: "683313688378.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1" }],
    ])("%s", (token, inputs, expected) => {
        expect(answerDataSource(token, inputs, ctx)).toMatchObject(expected);
        expect(answerDataSource(token, inputs, ctx)).toEqual(answerDataSource(token, inputs, ctx)); // stable
    });

    test("the table above covers every mock", () => expect(MOCKED_DATA_SOURCES).toHaveLength(14));
    test("an unmocked data source has no answer", () => expect(answerDataSource("aws:route53/getZone:getZone", {}, ctx)).toBeUndefined());
});

describe("project and stack config", () => {
    test("config in engine form: namespaced keys, strings, objects as JSON, secure values secret", () => {
        const dir = tempProject({
            "Pulumi.yaml": "name: p\nruntime: nodejs\n",
            "index.ts": "",
            "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  aws:defaultTags:\n    tags:\n      team: fraud\n  count: 3\n  p:password:\n    secure: v1:abc\n",
        });
        const project = readProject(dir);
        expect(project).toMatchObject({ name: "p", programDir: dir, entry: path.join(dir, "index.ts"), typescript: true });
        expect(chooseStack(project)).toBe("dev");
        expect(readStackConfig(project, "dev")).toEqual({
            stack: "dev",
            file: path.join(dir, "Pulumi.dev.yaml"),
            config: { "aws:region": "us-east-1", "aws:defaultTags": '{"tags":{"team":"fraud"}}', "p:count": "3", "p:password": SECRET_PLACEHOLDER },
            secretKeys: ["p:password"],
        });
    });

    test("main as a directory, and a package.json main inside it", () => {
        const dir = tempProject({ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: app/\n", "app/package.json": '{"main": "src/program.js"}', "app/src/program.js": "" });
        expect(readProject(dir)).toMatchObject({ programDir: path.join(dir, "app"), entry: path.join(dir, "app", "src", "program.js"), typescript: false });
    });

    test.each([
        [{ "index.ts": "" }, /no Pulumi\.yaml here/],
        [{ "Pulumi.yaml": "runtime: nodejs\n" }, /Pulumi\.yaml: `name` is required/],
        [{ "Pulumi.yaml": "name: p\nruntime: python\n" }, /runtime "python" is not supported/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: nowhere/\n" }, /main "nowhere\/" does not exist/],
        [{ "Pulumi.yaml": "name: p\nruntime: nodejs\n" }, /no program found/],
        [{ "Pulumi.yaml": "name: [p\n" }, /Pulumi\.yaml: /],
    ])("bad project %#", (files, message) => {
        expect(() => readProject(tempProject(files))).toThrow(UsageError);
        expect(() => readProject(tempProject(files))).toThrow(message);
    });
});

describe("the program under mocks, and what the engine would send", () => {
    const project = readProject(path.join(PROGRAMS, "configured"));
    const stack = readStackConfig(project, "dev");
    let recorded: Awaited<ReturnType<typeof runProgram>>["recorded"];
    beforeAll(async () => {
        ({ recorded } = await runProgram({ project, stack, organization: "acme" }));
    });
    const find = (name: string) => recorded.resources.find((r) => r.name === name)!;

    test("data-source answers and stack config reach the program", () => {
        const tags = find("from-data-sources").inputs.tags as Record<string, string>;
        expect(tags).toMatchObject({ account: "123456789012", region: "eu-west-1", partition: "aws", zone: "eu-west-1a", subnets: "3", subnet: "eu-west-1a", unmocked: "none" });
        expect(find("on-default-provider").inputs.tags).toEqual({ lifecycle_phase: "training", owner: "jane.doe" });
        expect(recorded.unmockedCalls).toEqual([{ token: "aws:route53/getZone:getZone", count: 1 }]);
    });

    test("a secret config value stays secret on the wire", () => {
        expect((find("secret-tag").inputs.tags as Record<string, unknown>).note).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: SECRET_PLACEHOLDER });
    });

    test("preview semantics: computed outputs of creates are unknown", () => {
        const vpc = find("from-data-sources");
        expect(vpc.outputs.id).toBeUndefined();
        expect(vpc.outputs.cidrBlock).toBe("10.0.0.0/16");
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
        expect(byName("secret-tag").inputs.tagsAll).toMatchObject({ note: { [SECRET_SIG_KEY]: SECRET_SIG, value: SECRET_PLACEHOLDER } });
        // The VPC's tags depend on data-source outputs known at preview here, so its tagsAll is known too.
        expect(byName("from-data-sources").inputs.tagsAll).not.toBe(UNKNOWN_VALUE);
        expect(byName("features").provider).toBeUndefined(); // a component has no provider
    });
});
