/**
 * Answers for the AWS data sources real programs call, so a program runs offline with plausible values.
 * Pure: the same token and inputs always give the same answer.
 */

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockContext {
    region: string;
}

type Inputs = Record<string, unknown>;
type Answer = (inputs: Inputs, ctx: MockContext) => Record<string, unknown>;

const str = (v: unknown, fallback: string): string => (typeof v === "string" && v ? v : fallback);

/** A short stable hex suffix derived from a string, for plausible resource ids. */
export function stableHex(seed: string, length = 17): string {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < seed.length; i++) {
        h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
        h2 = Math.imul(h2 ^ seed.charCodeAt(i), 2246822507) >>> 0;
    }
    return (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2).slice(0, length);
}

function policyDocument(inputs: Inputs): Record<string, unknown> {
    const statements = Array.isArray(inputs.statements) ? (inputs.statements as Inputs[]) : [];
    const principals = (list: unknown): Record<string, unknown> | undefined => {
        if (!Array.isArray(list) || !list.length) return undefined;
        const out: Record<string, unknown> = {};
        for (const p of list as Inputs[]) out[str(p.type, "AWS")] = p.identifiers;
        return out;
    };
    const doc = {
        Version: str(inputs.version, "2012-10-17"),
        Statement: statements.map((s) => Object.fromEntries(Object.entries({
            Sid: s.sid,
            Effect: str(s.effect, "Allow"),
            Action: s.actions,
            NotAction: s.notActions,
            Resource: s.resources,
            NotResource: s.notResources,
            Principal: principals(s.principals),
            NotPrincipal: principals(s.notPrincipals),
        }).filter(([, v]) => v !== undefined))),
    };
    return { json: JSON.stringify(doc, null, 2), minifiedJson: JSON.stringify(doc), id: stableHex(JSON.stringify(doc), 10) };
}

const ANSWERS: Readonly<Record<string, Answer>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/tagguard-check`, userId: "AIDATAGGUARDCHECK0001", id: MOCK_ACCOUNT_ID,
    }),
    "aws:index/getRegion:getRegion": (_i, { region }) => ({ name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", id: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, { region }) => ({
        id: region, names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: [1, 2, 3].map((n) => `use1-az${n}`), groupNames: [region],
    }),
    "aws:ec2/getAmi:getAmi": (inputs, { region }) => {
        const id = `ami-${stableHex(JSON.stringify(inputs) + region)}`;
        return { id, imageId: id, name: "tagguard-mock-ami", architecture: "x86_64", rootDeviceName: "/dev/xvda", rootDeviceType: "ebs", virtualizationType: "hvm", ownerId: "137112412989", arn: `arn:aws:ec2:${region}::image/${id}` };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": policyDocument,
    "aws:ec2/getVpc:getVpc": (inputs, { region }) => {
        const id = `vpc-${stableHex(JSON.stringify(inputs))}`;
        return { id, cidrBlock: "10.0.0.0/16", default: inputs.default === true, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:vpc/${id}`, ownerId: MOCK_ACCOUNT_ID };
    },
    "aws:ec2/getSubnets:getSubnets": (inputs) => ({ id: "subnets", ids: [0, 1, 2].map((i) => `subnet-${stableHex(JSON.stringify(inputs) + i)}`) }),
    "aws:ec2/getSubnet:getSubnet": (inputs, { region }) => {
        const id = str(inputs.id, `subnet-${stableHex(JSON.stringify(inputs))}`);
        return { id, availabilityZone: `${region}a`, cidrBlock: "10.0.1.0/24", vpcId: `vpc-${stableHex("default")}`, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:subnet/${id}` };
    },
    "aws:ssm/getParameter:getParameter": (inputs, { region }) => ({
        id: str(inputs.name, "parameter"), name: str(inputs.name, "parameter"), type: "String", version: 1,
        value: /ami/i.test(str(inputs.name, "")) ? `ami-${stableHex(str(inputs.name, ""))}` : "tagguard-mock-value",
        insecureValue: "tagguard-mock-value", arn: `arn:aws:ssm:${region}:${MOCK_ACCOUNT_ID}:parameter/${str(inputs.name, "parameter").replace(/^\//, "")}`,
    }),
    "aws:iam/getRole:getRole": (inputs) => ({ id: str(inputs.name, "role"), name: str(inputs.name, "role"), arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${str(inputs.name, "role")}`, assumeRolePolicy: "{}" }),
    "aws:kms/getKey:getKey": (inputs, { region }) => {
        const id = stableHex(str(inputs.keyId, "key"), 32);
        return { id, keyId: id, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${id}`, enabled: true, keyState: "Enabled" };
    },
    "aws:eks/getClusterAuth:getClusterAuth": (inputs) => ({ id: str(inputs.name, "cluster"), name: str(inputs.name, "cluster"), token: "k8s-aws-v1.tagguard-mock" }),
    "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": (inputs, { region }) => ({
        id: str(inputs.repositoryName, "image"), registryId: "683313688378", registryPath: `683313688378.dkr.ecr.${region}.amazonaws.com/${str(inputs.repositoryName, "image")}:${str(inputs.imageTag, "1")}`,
    }),
};

export const MOCKED_DATA_SOURCES: readonly string[] = Object.keys(ANSWERS).sort();

/** The state of an existing resource read with `X.get(name, id)`: its inputs, its id, an ARN. */
export function answerRead(type: string, id: string, inputs: Inputs, ctx: MockContext): Record<string, unknown> {
    const service = type.split(":")[1]?.split("/")[0] ?? "resource";
    return { ...inputs, id, arn: `arn:aws:${service}:${ctx.region}:${MOCK_ACCOUNT_ID}:${id}` };
}

/** The answer to a data source call, or undefined when tagguard has no mock for it (the caller answers empty and warns). */
export function answerDataSource(token: string, inputs: Inputs, ctx: MockContext): Record<string, unknown> | undefined {
    const answer = ANSWERS[token];
    return answer ? answer(inputs, ctx) : undefined;
}
