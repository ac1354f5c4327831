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

/** A stable UUID-shaped id derived from a string (certificates, secret versions, cache policies). */
function uuidOf(seed: string): string {
    const h = stableHex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
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

/**
 * What a parameter holds, as AWS's public parameters (`/aws/service/...`) hold it: the ECS- and
 * EKS-optimized AMIs' `recommended` parameter is a JSON document (programs `JSON.parse(...).image_id`),
 * its leaves and the other image parameters an AMI id, a release version or an image name.
 */
export function parameterValue(name: string): string {
    const ami = `ami-${stableHex(name.replace(/\/(image_id|image_name|release_version|image_version)$/, ""))}`;
    const leaf = name.split("/").pop() ?? "";
    const service = /^\/aws\/service\/(ecs|eks)\/optimized-ami\/(?:([0-9.]+)\/)?.+?\/recommended(?:\/|$)/.exec(name);
    const kubernetes = service?.[2] ?? "1.31";
    if (service && leaf === "recommended") {
        return JSON.stringify(service[1] === "ecs"
            ? { ecs_agent_version: "1.88.0", ecs_runtime_version: "Docker version 25.0.6", image_id: ami, image_name: "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs", os: "Amazon Linux 2", schema_version: 1, source_image_name: "amzn2-ami-minimal-hvm-2.0.20241210.0-x86_64-ebs" }
            : { image_id: ami, image_name: `amazon-eks-node-${kubernetes}-v20241121`, release_version: `${kubernetes}.0-20241121`, schema_version: "2" });
    }
    switch (leaf) {
        case "image_id": case "image-id": case "ami-id": case "ami_id": return ami;
        case "image_name": return service?.[1] === "eks" ? `amazon-eks-node-${kubernetes}-v20241121` : "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs";
        case "release_version": return `${kubernetes}.0-20241121`;
        case "image_version": return "1.26.2-943d9a41";
    }
    // `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`, Canonical's and the Deep Learning AMIs' `.../ami-id`.
    return /ami/i.test(name) ? ami : "tagguard-mock-value";
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
    "aws:ssm/getParameter:getParameter": (inputs, { region }) => {
        const name = str(inputs.name, "parameter");
        const value = parameterValue(name);
        return {
            id: name, name, type: "String", version: 1, value, insecureValue: value, withDecryption: inputs.withDecryption !== false,
            // AWS's public parameters belong to no account.
            arn: `arn:aws:ssm:${region}:${name.startsWith("/aws/service/") ? "" : MOCK_ACCOUNT_ID}:parameter/${name.replace(/^\//, "")}`,
        };
    },
    // EKS access entries and aws-auth maps name the role behind the caller's session (`getSessionContext({ arn: caller.arn })`).
    "aws:iam/getSessionContext:getSessionContext": (inputs) => {
        const arn = str(inputs.arn, `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/tagguard-check`);
        const assumed = /^arn:([^:]+):sts::(\d+):assumed-role\/(.+)\/([^/]+)$/.exec(arn);
        const issuerName = assumed ? assumed[3].split("/").pop()! : arn.split("/").pop()!;
        return {
            id: arn, arn, issuerArn: assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : arn, issuerName,
            issuerId: `AROA${stableHex(issuerName, 17).toUpperCase()}`, sessionName: assumed ? assumed[4] : "",
        };
    },
    // Programs read the management account and `roots[0].id` (service control policies, organization-wide tag policies).
    "aws:organizations/getOrganization:getOrganization": () => {
        const id = `o-${stableHex("organization", 10)}`;
        const rootId = `r-${stableHex("root", 4)}`;
        const account = (name: string, accountId: string) => ({
            arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:account/${id}/${accountId}`, email: `${name}@example.com`, id: accountId, joinedMethod: "CREATED",
            joinedTimestamp: "2024-01-01T00:00:00Z", name, state: "ACTIVE", status: "ACTIVE",
        });
        const management = account("management", MOCK_ACCOUNT_ID);
        const member = account("ml-platform", "210987654321");
        return {
            id, arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:organization/${id}`, featureSet: "ALL",
            masterAccountId: MOCK_ACCOUNT_ID, masterAccountArn: management.arn, masterAccountEmail: management.email, masterAccountName: management.name,
            accounts: [management, member], nonMasterAccounts: [member],
            awsServiceAccessPrincipals: ["tagpolicies.tag.amazonaws.com"], enabledPolicyTypes: ["SERVICE_CONTROL_POLICY", "TAG_POLICY"],
            roots: [{
                id: rootId, name: "Root", arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:root/${id}/${rootId}`,
                policyTypes: [{ status: "ENABLED", type: "SERVICE_CONTROL_POLICY" }, { status: "ENABLED", type: "TAG_POLICY" }],
            }],
        };
    },
    "aws:iam/getRole:getRole": (inputs) => ({ id: str(inputs.name, "role"), name: str(inputs.name, "role"), arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${str(inputs.name, "role")}`, assumeRolePolicy: "{}" }),
    "aws:kms/getKey:getKey": (inputs, { region }) => {
        const id = stableHex(str(inputs.keyId, "key"), 32);
        return { id, keyId: id, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${id}`, enabled: true, keyState: "Enabled" };
    },
    "aws:eks/getClusterAuth:getClusterAuth": (inputs) => ({ id: str(inputs.name, "cluster"), name: str(inputs.name, "cluster"), token: "k8s-aws-v1.tagguard-mock" }),
    "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": (inputs, { region }) => ({
        id: str(inputs.repositoryName, "image"), registryId: "683313688378", registryPath: `683313688378.dkr.ecr.${region}.amazonaws.com/${str(inputs.repositoryName, "image")}:${str(inputs.imageTag, "1")}`,
    }),
    "aws:route53/getZone:getZone": (inputs) => {
        const name = str(inputs.name, "example.com").replace(/\.$/, "");
        const zoneId = str(inputs.zoneId, `Z${stableHex(name, 13).toUpperCase()}`);
        return {
            id: zoneId, zoneId, name, arn: `arn:aws:route53:::hostedzone/${zoneId}`, privateZone: inputs.privateZone === true, comment: "", callerReference: zoneId,
            nameServers: [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-0${n}.tagguard-mock.net`), primaryNameServer: "ns-1.awsdns-01.tagguard-mock.net", resourceRecordSetCount: 2, tags: {},
        };
    },
    "aws:acm/getCertificate:getCertificate": (inputs, { region }) => {
        const arn = `arn:aws:acm:${region}:${MOCK_ACCOUNT_ID}:certificate/${uuidOf(str(inputs.domain, "certificate"))}`;
        return { id: arn, arn, domain: str(inputs.domain, "example.com"), region, status: "ISSUED", certificate: "", certificateChain: "", tags: {} };
    },
    "aws:secretsmanager/getSecret:getSecret": (inputs, { region }) => {
        const name = str(inputs.name, str(inputs.arn, "secret").split(":").pop() ?? "secret");
        const arn = str(inputs.arn, `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${name}-${stableHex(name, 6)}`);
        return { id: arn, arn, name, description: "", kmsKeyId: "", policy: "", region, tags: {}, type: "" };
    },
    // Programs mostly JSON.parse the value: an empty JSON object parses, and holds no secret.
    "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs, { region }) => {
        const secretId = str(inputs.secretId, "secret");
        const arn = secretId.startsWith("arn:") ? secretId : `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${secretId}-${stableHex(secretId, 6)}`;
        return { id: `${arn}|AWSCURRENT`, arn, secretId, secretString: "{}", secretBinary: "", versionId: uuidOf(secretId), versionStages: ["AWSCURRENT"], region };
    },
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, { region }) => {
        const registryId = str(inputs.registryId, MOCK_ACCOUNT_ID);
        return {
            id: region, region, registryId, userName: "AWS", password: "tagguard-mock", authorizationToken: Buffer.from("AWS:tagguard-mock").toString("base64"),
            proxyEndpoint: `https://${registryId}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2099-01-01T00:00:00Z",
        };
    },
    "aws:ecr/getRepository:getRepository": (inputs, { region }) => {
        const name = str(inputs.name, "repository");
        const registryId = str(inputs.registryId, MOCK_ACCOUNT_ID);
        return {
            id: name, name, registryId, region, arn: `arn:aws:ecr:${region}:${registryId}:repository/${name}`, repositoryUrl: `${registryId}.dkr.ecr.${region}.amazonaws.com/${name}`,
            imageTagMutability: "MUTABLE", mostRecentImageTags: [], encryptionConfigurations: [], imageScanningConfigurations: [], imageTagMutabilityExclusionFilters: [], tags: {},
        };
    },
    "aws:iam/getPolicy:getPolicy": (inputs) => {
        const name = str(inputs.name, str(inputs.arn, "policy").split("/").pop() ?? "policy");
        const arn = str(inputs.arn, `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${name}`);
        return { id: arn, arn, name, path: "/", description: "", policy: '{"Version":"2012-10-17","Statement":[]}', policyId: `ANPA${stableHex(arn, 17).toUpperCase()}`, attachmentCount: 0, tags: {} };
    },
    "aws:ec2/getSecurityGroup:getSecurityGroup": (inputs, { region }) => {
        const id = str(inputs.id, `sg-${stableHex(JSON.stringify(inputs))}`);
        return { id, name: str(inputs.name, "default"), description: "", vpcId: str(inputs.vpcId, `vpc-${stableHex("default")}`), region, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:security-group/${id}`, tags: {} };
    },
    // IRSA reads `identities[0].oidcs[0].issuer`; kubeconfigs read the endpoint and certificate authority.
    "aws:eks/getCluster:getCluster": (inputs, { region }) => {
        const name = str(inputs.name, "cluster");
        const oidc = stableHex(name, 32).toUpperCase();
        return {
            id: name, name, region, arn: `arn:aws:eks:${region}:${MOCK_ACCOUNT_ID}:cluster/${name}`, clusterId: uuidOf(name), status: "ACTIVE", version: "1.31", platformVersion: "eks.1",
            endpoint: `https://${oidc}.gr7.${region}.eks.amazonaws.com`, certificateAuthorities: [{ data: Buffer.from("tagguard-mock-ca").toString("base64") }],
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidc}` }] }], roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${name}-cluster`,
            vpcConfig: { clusterSecurityGroupId: `sg-${stableHex(name)}`, vpcId: `vpc-${stableHex(name)}`, subnetIds: [0, 1].map((i) => `subnet-${stableHex(name + i)}`), securityGroupIds: [], endpointPrivateAccess: false, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
            kubernetesNetworkConfigs: [{ ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" }], enabledClusterLogTypes: [], tags: {},
        };
    },
    "aws:cloudfront/getCachePolicy:getCachePolicy": (inputs) => {
        const id = str(inputs.id, uuidOf(str(inputs.name, "cache-policy")));
        return { id, name: str(inputs.name, "cache-policy"), arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:cache-policy/${id}`, comment: "", defaultTtl: 86400, maxTtl: 31536000, minTtl: 1, etag: stableHex(id, 14).toUpperCase(), parametersInCacheKeyAndForwardedToOrigins: [] };
    },
    // The account ELB writes access logs from (us-east-1's; other regions have their own, which no tag depends on).
    "aws:elb/getServiceAccount:getServiceAccount": (_i, { region }) => ({ id: "127311923021", arn: "arn:aws:iam::127311923021:root", region }),
    "aws:kms/getAlias:getAlias": (inputs, { region }) => {
        const name = str(inputs.name, "alias/key");
        const keyId = uuidOf(name);
        return { id: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:${name}`, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:${name}`, name, region, targetKeyId: keyId, targetKeyArn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
    },
    "aws:s3/getBucket:getBucket": (inputs, { region }) => {
        const bucket = str(inputs.bucket, "bucket");
        return {
            id: bucket, bucket, region, bucketRegion: region, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`,
            bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, hostedZoneId: "Z3AQBSTGFYJSTF", websiteDomain: "", websiteEndpoint: "",
        };
    },
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
