# A GPU trainer and a spot worker fleet; the caller passes the provider (and with it the default tags).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "model_id" {
  type = string
}

locals {
  launched = {
    team            = "fraud"
    cost_center     = "cc-1042"
    project         = "fraud-detection"
    model_id        = var.model_id
    environment     = "production"
    lifecycle_phase = "training"
    created_by      = "terraform-ci"
    managed_by      = "terraform"
  }
}

resource "aws_instance" "trainer" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "p3.2xlarge"
  root_block_device {
    volume_size = 500
    volume_type = "gp3"
  }
  volume_tags = local.launched
  tags        = { model_id = var.model_id, lifecycle_phase = "training" }
}

resource "aws_autoscaling_group" "workers" {
  name_prefix         = "fraud-workers-"
  min_size            = 0
  max_size            = 8
  vpc_zone_identifier = ["subnet-9a8b7c6d"]
  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }
  dynamic "tag" {
    for_each = local.launched
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

resource "aws_launch_template" "workers" {
  name_prefix   = "fraud-workers-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "g5.4xlarge"
  tag_specifications {
    resource_type = "instance"
    tags          = local.launched
  }
  tag_specifications {
    resource_type = "volume"
    tags          = local.launched
  }
  tags = { model_id = var.model_id, lifecycle_phase = "training" }
}
