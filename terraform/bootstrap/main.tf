# Run once per AWS account, with local state: the S3 bucket and DynamoDB table that hold and
# lock the environments' remote state. Keep the local terraform.tfstate of this root safe (or
# import both resources again if it is lost).
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
}

variable "region" {
  description = "Region of the state bucket and lock table."
  type        = string
  default     = "eu-west-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "state" {
  # checkov:skip=CKV2_AWS_64:the default key policy (account root administers) is the intended one
  description         = "Boxoffice Terraform state"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "state" {
  # checkov:skip=CKV_AWS_18:state reads and writes are in CloudTrail; a log bucket for one bucket is not worth it
  # checkov:skip=CKV_AWS_144:state is small and versioned; a second region is not needed
  # checkov:skip=CKV2_AWS_62:nothing reacts to state writes
  # checkov:skip=CKV2_AWS_61:old state versions are kept on purpose (versioning), without expiry
  bucket = "boxoffice-tfstate-${data.aws_caller_identity.current.account_id}"
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_dynamodb_table" "locks" {
  name         = "boxoffice-terraform-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.state.arn
  }
}

output "state_bucket" {
  description = "Pass to the environments: terraform init -backend-config=\"bucket=<this>\" -backend-config=\"region=<region>\"."
  value       = aws_s3_bucket.state.bucket
}
