// The fraud-detection ML platform rebuilt with tagguard's components: every resource, and every
// instance and volume they launch, is attributable from the first `pulumi up`.
// Teams: fraud (training and serving fraud-xgb), recsys (notebooks, training the ranking model on the
// shared GPU cluster, pre-training it on a SageMaker HyperPod cluster), platform (shared network,
// streaming, GPU nodes, monitoring with model_id = shared).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import {
    DevelopmentDomain, FeatureGroup, GpuNodeGroup, InferenceEndpoint, ModelBucket, StreamingCluster, TrainingFleet,
    attributionProvider, podLabels, type AttributionTags,
} from "@tagguard/components";
import { HyperPodCluster } from "@tagguard/components/aws-native";
import { GpuNodePool } from "@tagguard/components/kubernetes";

const createdBy = new pulumi.Config().get("createdBy") ?? "automation";
const base = { cost_center: "cc-1042", project: "fraud-detection", environment: "production", created_by: createdBy, managed_by: "pulumi" } as const;
const fraud = (lifecycle_phase: AttributionTags["lifecycle_phase"]): AttributionTags => ({ ...base, team: "fraud", model_id: "fraud-xgb-v3", lifecycle_phase });
const platform = (lifecycle_phase: AttributionTags["lifecycle_phase"]): AttributionTags => ({ ...base, team: "platform", cost_center: "cc-2001", model_id: "shared", lifecycle_phase });

// Shared network and cluster, on a provider whose default tags attribute them to the platform team.
const shared = attributionProvider("platform", platform("data_pipeline"));
const azs = aws.getAvailabilityZonesOutput({ state: "available" }, { provider: shared });
const vpc = new aws.ec2.Vpc("ml-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true }, { provider: shared });
const subnets = [0, 1].map((i) => new aws.ec2.Subnet(`ml-private-${i}`, { vpcId: vpc.id, cidrBlock: `10.20.${i}.0/24`, availabilityZone: azs.names[i] }, { provider: shared }));
const subnetIds = subnets.map((s) => s.id);
const internal = new aws.ec2.SecurityGroup("ml-internal", { vpcId: vpc.id, description: "ML platform internal traffic" }, { provider: shared });
const assume = (service: string) => aws.iam.getPolicyDocumentOutput({ statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] }] });
const clusterRole = new aws.iam.Role("eks-cluster", { assumeRolePolicy: assume("eks.amazonaws.com").json }, { provider: shared });
const nodeRole = new aws.iam.Role("eks-nodes", { assumeRolePolicy: assume("ec2.amazonaws.com").json }, { provider: shared });
const sagemakerRole = new aws.iam.Role("sagemaker-exec", { assumeRolePolicy: assume("sagemaker.amazonaws.com").json }, { provider: shared });
const cluster = new aws.eks.Cluster("ml-eks", { roleArn: clusterRole.arn, vpcConfig: { subnetIds } }, { provider: shared });

// Training: GPU nodes on EKS, and a spot fleet for a hyperparameter search that ends in two weeks.
new GpuNodeGroup("fraud-training", {
    tags: fraud("training"),
    clusterName: cluster.name,
    nodeRoleArn: nodeRole.arn,
    subnetIds,
    instanceTypes: ["g5.2xlarge", "g5.4xlarge"],
    scaling: { minSize: 0, maxSize: 8, desiredSize: 2 },
    labels: { workload: "training" },
});
const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
const gpuAmi = aws.ec2.getAmiOutput({ mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["Deep Learning AMI GPU PyTorch *"] }] });
new TrainingFleet("fraud-hpo", {
    tags: { ...fraud("training"), environment: "experiment", experiment_id: "hpo-xgb-depth", expires_at: inTwoWeeks },
    imageId: gpuAmi.id,
    instanceTypes: ["g5.xlarge", "g5.2xlarge", "g4dn.2xlarge"],
    subnetIds,
    securityGroupIds: [internal.id],
    maxSize: 16,
    desiredCapacity: 4,
    spot: true,
});
const experimentArtifacts = new ModelBucket("fraud-hpo-artifacts", {
    tags: { ...fraud("training"), environment: "experiment", experiment_id: "hpo-xgb-depth", expires_at: inTwoWeeks },
    forceDestroy: true,
});

// Features: events on MSK, features in a SageMaker feature group with an offline store.
new StreamingCluster("events", {
    tags: platform("feature_pipeline"),
    brokerCount: 3,
    brokerInstanceType: "kafka.m5.large",
    clientSubnets: subnetIds,
    securityGroups: [internal.id],
});
new FeatureGroup("transactions", {
    tags: fraud("feature_pipeline"),
    roleArn: sagemakerRole.arn,
    recordIdentifierFeatureName: "transaction_id",
    eventTimeFeatureName: "event_time",
    features: [
        { name: "transaction_id", type: "String" },
        { name: "event_time", type: "Fractional" },
        { name: "amount", type: "Fractional" },
        { name: "merchant_risk", type: "Fractional" },
    ],
});

// Serving: the model registry bucket and the real-time endpoint.
const models = new ModelBucket("fraud-models", { tags: fraud("inference") });
new InferenceEndpoint("fraud-scoring", {
    tags: fraud("inference"),
    executionRoleArn: sagemakerRole.arn,
    image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    modelDataUrl: pulumi.interpolate`s3://${models.bucketName}/fraud-xgb-v3/model.tar.gz`,
    instanceType: "ml.m5.xlarge",
    instanceCount: 2,
});

// The shared GPU cluster: one Karpenter node pool every model's pods land on (its instances carry the
// platform's set, model_id = shared), and each model's pods carry their own set as labels, which AWS's
// split cost allocation data attributes each pod's share of a node by.
const kubeconfig = pulumi.jsonStringify({
    apiVersion: "v1", kind: "Config", "current-context": "ml",
    clusters: [{ name: "ml", cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.certificateAuthority.data } }],
    contexts: [{ name: "ml", context: { cluster: "ml", user: "ml" } }],
    users: [{ name: "ml", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster.name] } } }],
});
const eks = new k8s.Provider("ml-eks", { kubeconfig });
new GpuNodePool("shared-gpu", {
    tags: platform("training"),
    clusterName: cluster.name,
    nodeRoleName: nodeRole.name,
    instanceFamilies: ["g5", "g6e"],
    capacityTypes: ["spot", "on-demand"],
    gpuLimit: 32,
}, { providers: { kubernetes: eks } });
const ml = new k8s.core.v1.Namespace("ml", { metadata: { name: "ml" } }, { provider: eks });
const gpu = { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] };

// Fraud's online scoring service on the shared nodes.
const scoring = { app: "fraud-scoring" };
new k8s.apps.v1.Deployment("fraud-scoring-gpu", {
    metadata: { namespace: ml.metadata.name },
    spec: {
        replicas: 2,
        selector: { matchLabels: scoring },
        template: {
            metadata: { labels: podLabels(fraud("inference"), scoring) },
            spec: { ...gpu, containers: [{ name: "scorer", image: "fraud-xgb-scorer:3.1", resources: { limits: { "nvidia.com/gpu": "1" } } }] },
        },
    },
}, { provider: eks });

// Recsys retrains its ranking model nightly on the same nodes.
const recsys: AttributionTags = { ...base, team: "recsys", cost_center: "cc-1077", project: "recommendations", model_id: "recs-two-tower-v2", lifecycle_phase: "training" };
new k8s.batch.v1.CronJob("recs-retrain", {
    metadata: { namespace: ml.metadata.name },
    spec: {
        schedule: "0 2 * * *",
        jobTemplate: {
            spec: {
                backoffLimit: 1,
                template: {
                    metadata: { labels: podLabels(recsys, { app: "recs-retrain" }) },
                    spec: { ...gpu, restartPolicy: "Never", containers: [{ name: "train", image: "recs-two-tower-trainer:2.4", resources: { limits: { "nvidia.com/gpu": "4" } } }] },
                },
            },
        },
    },
}, { provider: eks });

// Recsys pre-trains the model on a SageMaker HyperPod cluster (the Cloud Control provider) that joins the
// shared EKS cluster: HyperPod bills its instances and their volumes to the cluster, whose tags are the set.
const hyperpodRole = new aws.iam.Role("hyperpod-exec", { assumeRolePolicy: assume("sagemaker.amazonaws.com").json }, { provider: shared });
new HyperPodCluster("recs-pretrain", {
    tags: { ...recsys, experiment_id: "two-tower-v3-pretrain" },
    eksClusterArn: cluster.arn,
    vpcConfig: { securityGroupIds: [internal.id], subnets: subnetIds },
    instanceGroups: [{ name: "workers", instanceType: "ml.p5.48xlarge", instanceCount: 2, executionRole: hyperpodRole.arn, ebsVolumeSizeGb: 500 }],
});

// Notebooks for the recommendations team, and shared monitoring.
new DevelopmentDomain("recsys-studio", {
    tags: { ...base, team: "recsys", cost_center: "cc-1077", project: "recommendations", model_id: "shared", environment: "development", lifecycle_phase: "development" },
    vpcId: vpc.id,
    subnetIds,
    executionRoleArn: sagemakerRole.arn,
    userProfiles: ["ana", "lee"],
});
new ModelBucket("monitoring-reports", { tags: platform("monitoring") });

export const clusterName = cluster.name;
export const artifactsBucket = experimentArtifacts.bucketName;
