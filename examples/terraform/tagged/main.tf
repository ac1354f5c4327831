# The fraud-detection ML platform in Terraform, tagged for cost attribution: the provider's default
# tags carry the tag set every resource shares; each resource adds its model and lifecycle phase, and
# what AWS does not tag by itself (launched instances and their volumes) is tagged explicitly.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.80" }
  }
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team        = "fraud"
      cost_center = "cc-1042"
      project     = "fraud-detection"
      environment = "production"
      created_by  = "terraform-ci"
      managed_by  = "terraform"
    }
  }
}

# Training runs in another region, with its own provider configuration passed to the module.
provider "aws" {
  alias  = "training"
  region = "us-west-2"
  default_tags {
    tags = {
      team        = "fraud"
      cost_center = "cc-1042"
      project     = "fraud-detection"
      environment = "production"
      created_by  = "terraform-ci"
      managed_by  = "terraform"
    }
  }
}

locals {
  model = { model_id = "fraud-xgb-v3" }
  # What default tags do not reach: instances and volumes launched by a template.
  launched = {
    team            = "fraud"
    cost_center     = "cc-1042"
    project         = "fraud-detection"
    model_id        = "fraud-xgb-v3"
    environment     = "production"
    lifecycle_phase = "inference"
    created_by      = "terraform-ci"
    managed_by      = "terraform"
  }
}

resource "aws_s3_bucket" "features" {
  bucket = "fraud-feature-store"
  tags   = merge(local.model, { lifecycle_phase = "data_pipeline" })
}

resource "aws_launch_template" "gpu" {
  name_prefix   = "fraud-gpu-"
  instance_type = "g5.2xlarge"
  tag_specifications {
    resource_type = "instance"
    tags          = local.launched
  }
  tag_specifications {
    resource_type = "volume"
    tags          = local.launched
  }
  tags = merge(local.model, { lifecycle_phase = "inference" })
}

resource "aws_eks_cluster" "ml" {
  name     = "fraud-ml"
  role_arn = "arn:aws:iam::123456789012:role/fraud-eks"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
  tags = merge(local.model, { lifecycle_phase = "inference" })
}

resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/fraud-eks-nodes"
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 6
  }
  launch_template {
    id      = aws_launch_template.gpu.id
    version = aws_launch_template.gpu.latest_version
  }
  tags = merge(local.model, { lifecycle_phase = "inference" })
}

resource "aws_sagemaker_domain" "studio" {
  domain_name     = "fraud-studio"
  auth_mode       = "IAM"
  vpc_id          = "vpc-0123abcd"
  subnet_ids      = ["subnet-0a1b2c3d"]
  tag_propagation = "ENABLED"
  default_user_settings {
    execution_role = "arn:aws:iam::123456789012:role/fraud-sagemaker"
  }
  tags = merge(local.model, { lifecycle_phase = "development" })
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "fraud-events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 2
  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    security_groups = ["sg-0123abcd"]
  }
  tags = { model_id = "shared", lifecycle_phase = "data_pipeline" }
}

module "training" {
  source    = "./modules/training"
  providers = { aws = aws.training }
  model_id  = "fraud-xgb-v3"
}
